import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipCapped, gunzipCappedAsync, PastCapError } from './gunzipCapped';

// A 1 MiB run of zeros deflates to about 1 KiB: a small bomb.
const RAW = new Uint8Array(1 << 20);
RAW[12345] = 7;
const GZ = zlib.gzipSync(RAW);

describe('gunzipCapped', () => {
  it('inflates a stream that fits the cap, to the bytes that were gzipped', async () => {
    expect(Buffer.compare(gunzipCapped(GZ, RAW.length), RAW)).toBe(0);
    expect(Buffer.compare(await gunzipCappedAsync(GZ, RAW.length + 10), RAW)).toBe(0);
  });

  it('stops at the cap with PastCapError, on this thread and on the pool', async () => {
    expect(() => gunzipCapped(GZ, RAW.length - 1)).toThrow(PastCapError);
    await expect(gunzipCappedAsync(GZ, 4096)).rejects.toThrow(/inflates to more than 4096 bytes/);
  });

  it("passes zlib's own error through for a damaged stream", async () => {
    const damaged = GZ.subarray(0, GZ.length >> 1);
    const sync = (() => {
      try {
        gunzipCapped(damaged, RAW.length);
      } catch (e) {
        return e;
      }
    })();
    expect(sync).toBeInstanceOf(Error);
    expect(sync).not.toBeInstanceOf(PastCapError);
    await expect(gunzipCappedAsync(Uint8Array.of(1, 2, 3), 100)).rejects.not.toBeInstanceOf(PastCapError);
  });
});
