import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeGrid } from './freeGrid';
import { withTransfer } from './freeGrid.testSupport';

describe('freeGrid', () => {
  it('does nothing where the runtime cannot detach a buffer (the grid stays as it was)', () => {
    const grid = Uint8Array.of(1, 2, 3);
    const proto = ArrayBuffer.prototype as { transfer?: unknown };
    const had = proto.transfer;
    delete proto.transfer;
    try {
      freeGrid(grid);
    } finally {
      if (had) proto.transfer = had;
    }
    expect(Array.from(grid)).toEqual([1, 2, 3]);
  });

  describe('with ArrayBuffer.prototype.transfer', () => {
    let restore: () => void;
    beforeAll(() => (restore = withTransfer()));
    afterAll(() => restore());

    it('detaches the grid’s buffer: every view of it is empty', () => {
      const grid = new Uint8Array(1000).fill(7);
      const other = new Uint16Array(grid.buffer);
      freeGrid(grid);
      expect(grid.length).toBe(0);
      expect(other.length).toBe(0);
      freeGrid(grid); // twice: no error
    });

    it('never touches memory shared with another thread', () => {
      const shared = new Uint8Array(new SharedArrayBuffer(8)).fill(3);
      freeGrid(shared);
      expect(Array.from(shared)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    });
  });
});
