/**
 * Grey-level variance of a PNG screenshot, measured by decoding it in the page (no image library
 * needed in Node): draw it on a 2D canvas and read the pixels back. A blank (uniform) image has
 * variance 0.
 */
import type { Page } from '@playwright/test';

export async function imageVariance(page: Page, png: Buffer): Promise<number> {
  const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
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
    let sum = 0;
    let sumSq = 0;
    const n = data.length / 4;
    for (let p = 0; p < data.length; p += 4) {
      const grey = (data[p] + data[p + 1] + data[p + 2]) / 3;
      sum += grey;
      sumSq += grey * grey;
    }
    const mean = sum / n;
    return sumSq / n - mean * mean;
  }, dataUrl);
}
