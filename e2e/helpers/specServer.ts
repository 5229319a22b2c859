/**
 * The set-up shared by specs that drive one per-spec browser-mode server through one page: start
 * the server, make its API client, open the app and wait for the case list; and the matching
 * tear-down, which tolerates a set-up that failed half way.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { projectApi, type ProjectApi } from './projectApi';
import { startServer, type RunningServer } from './startServer';

export interface SpecServer {
  server: RunningServer;
  api: ProjectApi;
  page: Page;
}

export async function openSpecServer(browser: Browser, repoRoot: string, options?: Parameters<typeof startServer>[1]): Promise<SpecServer> {
  const server = await startServer(repoRoot, options);
  const api = projectApi(server.url);
  const page = await browser.newPage();
  await page.goto(server.url);
  await expect(page.getByTestId('case-item').first()).toBeVisible();
  return { server, api, page };
}

export async function closeSpecServer(page: Page | undefined, server: RunningServer | undefined): Promise<void> {
  await page?.close();
  await server?.stop();
}
