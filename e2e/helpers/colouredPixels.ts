/**
 * How many pixels of a region of a viewport are clearly coloured (max − min channel > 40): the
 * grey-scale image never is, the annotation overlays are. The region is given as fractions of the
 * viewport element, decoded in the page like imageVariance.ts.
 */
import type { Page } from '@playwright/test';

export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export async function colouredPixels(page: Page, view: string, region: Region): Promise<number> {
  const box = await page.getByTestId(`viewport-element-${view}`).boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  const png = await page.screenshot({
    clip: { x: box.x + box.width * region.x0, y: box.y + box.height * region.y0, width: box.width * (region.x1 - region.x0), height: box.height * (region.y1 - region.y0) },
  });
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context');
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    let n = 0;
    for (let p = 0; p < data.length; p += 4) {
      const max = Math.max(data[p], data[p + 1], data[p + 2]);
      const min = Math.min(data[p], data[p + 1], data[p + 2]);
      if (max - min > 40) n++;
    }
    return n;
  }, `data:image/png;base64,${png.toString('base64')}`);
}
