/**
 * Waits until the viewer shows a volume (the grid's data-shown names it and nothing is loading),
 * and returns what it names. Fails fast with the banner's text if an error appears instead.
 */
import { expect, type Page } from '@playwright/test';

export async function waitForVolume(page: Page, previous: string | null = null): Promise<string> {
  const grid = page.getByTestId('viewer-grid');
  await expect
    .poll(
      async () => {
        const banner = page.getByTestId('error-banner');
        if (await banner.isVisible()) return `error: ${await banner.innerText()}`;
        const shown = (await grid.getAttribute('data-shown')) ?? '';
        const loading = await page.getByTestId('loading-indicator').isVisible();
        return shown && shown !== previous && !loading ? 'shown' : 'waiting';
      },
      { timeout: 90_000, intervals: [250, 500, 1000] },
    )
    .toBe('shown');
  return (await grid.getAttribute('data-shown')) ?? '';
}
