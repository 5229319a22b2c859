import { describe, expect, it } from 'vitest';
import { chunkedStream } from './appRoutes';

describe('chunkedStream', () => {
  it('yields views of the bytes in order, the last chunk shorter, without copying', async () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    const chunks: Uint8Array[] = [];
    const reader = chunkedStream(bytes, 4).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.map((c) => Array.from(c))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(chunks.every((c) => c.buffer === bytes.buffer)).toBe(true);
  });

  it('ends at once for no bytes', async () => {
    const r = await chunkedStream(new Uint8Array(0)).getReader().read();
    expect(r.done).toBe(true);
  });
});
