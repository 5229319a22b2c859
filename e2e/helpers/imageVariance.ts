/**
 * Grey-level variance of a PNG screenshot (decoded in the page, see pngPixelStats.ts). A blank
 * (uniform) image has variance 0.
 */
import type { Page } from '@playwright/test';
import { pngPixelStats } from './pngPixelStats';

export async function imageVariance(page: Page, png: Buffer): Promise<number> {
  return (await pngPixelStats(page, png)).greyVariance;
}
