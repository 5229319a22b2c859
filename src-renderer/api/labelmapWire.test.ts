/** The renderer's labelmap codec against Node's zlib (what the main side uses). */
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeLabelmap, encodeLabelmap } from './labelmapWire';

describe('labelmap wire codec', () => {
  it('encodes gzip+base64 that zlib reads back, and decodes what zlib wrote', async () => {
    const lm = new Uint8Array(100_000);
    lm.fill(1, 5000, 5400);
    lm[70_000] = 2;
    const b64 = await encodeLabelmap(lm);
    expect(Buffer.compare(gunzipSync(Buffer.from(b64, 'base64')), lm)).toBe(0);
    expect(b64.length).toBeLessThan(2000);
    const back = await decodeLabelmap(gzipSync(lm).toString('base64'), lm.length);
    expect(Buffer.compare(back, lm)).toBe(0);
  });

  it('refuses a labelmap of the wrong size', async () => {
    await expect(decodeLabelmap(gzipSync(new Uint8Array(10)).toString('base64'), 11)).rejects.toThrow(/has 10 voxels, but the case has 11/);
  });
});
