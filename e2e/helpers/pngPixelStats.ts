/**
 * Pixel statistics of a PNG screenshot, measured by decoding it in the page (no image library
 * needed in Node): draw it on a 2D canvas and read the pixels back. Both statistics come from one
 * pass so the decoding lives in one place; the pixels never cross to Node.
 */
import type { Page } from '@playwright/test';

export interface PngPixelStats {
  /** Pixels whose max − min channel exceeds 40: grey-scale never is, coloured overlays are. */
  coloured: number;
  /** Mean [R, G, B] of the coloured pixels ([0, 0, 0] when there are none): which overlay colour is there. */
  colouredMean: [number, number, number];
  /** Mean grey level (mean of R, G, B), 0–255. */
  greyMean: number;
  /** Variance of the grey level (mean of R, G, B); a uniform image has 0. */
  greyVariance: number;
  /** Pixels of the model mask's outline colour, pure cyan (an overlay blended over the image never is). */
  cyan: number;
  /** Cyan pixels whose eight neighbours are all cyan too: a filled region has many, a one-pixel outline none. */
  cyanEnclosed: number;
}

export async function pngPixelStats(page: Page, png: Buffer): Promise<PngPixelStats> {
  return page.evaluate(
    async (src) => {
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
      let coloured = 0;
      const rgb = [0, 0, 0];
      let sum = 0;
      let sumSq = 0;
      const n = data.length / 4;
      for (let p = 0; p < data.length; p += 4) {
        const max = Math.max(data[p], data[p + 1], data[p + 2]);
        const min = Math.min(data[p], data[p + 1], data[p + 2]);
        if (max - min > 40) {
          coloured++;
          for (let c = 0; c < 3; c++) rgb[c] += data[p + c];
        }
        const grey = (data[p] + data[p + 1] + data[p + 2]) / 3;
        sum += grey;
        sumSq += grey * grey;
      }
      const mean = sum / n;
      const colouredMean = rgb.map((v) => (coloured ? v / coloured : 0)) as [number, number, number];
      const w = img.width;
      const isCyan = (x: number, y: number) => {
        const p = 4 * (y * w + x);
        return data[p] <= 30 && data[p + 1] >= 225 && data[p + 2] >= 225;
      };
      let cyan = 0;
      let cyanEnclosed = 0;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < w; x++) {
          if (!isCyan(x, y)) continue;
          cyan++;
          // Only pixels with all eight neighbours in the picture can be judged.
          if (x === 0 || y === 0 || x === w - 1 || y === img.height - 1) continue;
          let all = true;
          for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) all &&= isCyan(x + dx, y + dy);
          if (all) cyanEnclosed++;
        }
      return { coloured, colouredMean, greyMean: mean, greyVariance: sumSq / n - mean * mean, cyan, cyanEnclosed };
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}
