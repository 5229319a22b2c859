/**
 * How many pixels of a region of a viewport are clearly coloured (max − min channel > 40): the
 * grey-scale image never is, the annotation overlays are. The region is given as fractions of the
 * viewport element; the screenshot is decoded in the page (see pngPixelStats.ts).
 */
import type { Page } from '@playwright/test';
import { pngPixelStats } from './pngPixelStats';

export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

async function regionStats(page: Page, view: string, region: Region) {
  const box = await page.getByTestId(`viewport-element-${view}`).boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  const png = await page.screenshot({
    clip: {
      x: box.x + box.width * region.x0,
      y: box.y + box.height * region.y0,
      width: box.width * (region.x1 - region.x0),
      height: box.height * (region.y1 - region.y0),
    },
  });
  return pngPixelStats(page, png);
}

export async function colouredPixels(page: Page, view: string, region: Region): Promise<number> {
  return (await regionStats(page, view, region)).coloured;
}

/** The mean [R, G, B] of the region's coloured pixels: which overlay colour is drawn there. */
export async function colouredMean(page: Page, view: string, region: Region): Promise<[number, number, number]> {
  return (await regionStats(page, view, region)).colouredMean;
}

/** The model mask's outline in a region: its pure-cyan pixels, and how many of those are enclosed by cyan (a fill). */
export async function cyanOutline(page: Page, view: string, region: Region): Promise<{ cyan: number; enclosed: number }> {
  const { cyan, cyanEnclosed } = await regionStats(page, view, region);
  return { cyan, enclosed: cyanEnclosed };
}
