import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../src-shared/api/binaryFrame';
import { onCaseGrid } from './voxelPayload';

describe('voxel payloads on arrival', () => {
  it('gives each payload of one frame its own buffer, so transferring one cannot detach another', () => {
    const a = Uint8Array.of(1, 0, 2);
    const b = Uint8Array.of(0, 1, 1);
    const frame = decodeFrame(encodeFrame({ a, b })) as { a: Uint8Array; b: Uint8Array };
    expect(frame.a.buffer).toBe(frame.b.buffer);
    const [ownA, ownB] = [onCaseGrid(frame.a, 3), onCaseGrid(frame.b, 3)];
    expect(ownA.buffer).not.toBe(ownB.buffer);
    structuredClone(ownA, { transfer: [ownA.buffer] });
    expect(Array.from(ownB)).toEqual([0, 1, 1]);
  });

  it('keeps an array that already owns its buffer, and refuses the wrong voxel count', () => {
    const own = new Uint8Array(4);
    expect(onCaseGrid(own, 4)).toBe(own);
    expect(() => onCaseGrid(own, 5)).toThrow(/has 4 voxels, but the case has 5/);
  });
});
