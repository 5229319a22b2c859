/** The browser-mode URL (with token) that the global setup's server printed. */
export function appUrl(): string {
  const url = process.env.QUORUM_E2E_URL;
  if (!url) throw new Error('QUORUM_E2E_URL is not set: run the tests through playwright.config.ts (its globalSetup starts the server).');
  return url;
}
