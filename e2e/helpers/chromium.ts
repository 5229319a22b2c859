/**
 * How Quorum launches Debian's Chromium, for the e2e tests (playwright.config.ts) and the benches
 * that drive the real UI (bench/openToImage.bench.ts): one definition, so a bench measures the same
 * browser the tests check. Flags: shared docs/environment.md ("Chromium and Playwright"); they keep
 * Chromium off the network (blocked here) and quiet.
 */

/** QUORUM_CHROMIUM overrides the Debian binary (e.g. another machine's Chromium). */
export const CHROMIUM_EXECUTABLE = process.env.QUORUM_CHROMIUM ?? '/usr/lib/chromium/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
