import { describe, expect, it } from 'vitest';
import { VolumeReadError } from '../volume/errors';
import type { Geometry } from '../volume/types';
import { readNifti } from './read';
import { parseBval, splitByBValue, splitVolumes } from './volumes';
import { writeNifti } from './write';

const g: Geometry = { dims: [2, 2, 2], spacingMm: [1.5, 1.5, 1.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
// Three volumes whose voxels are 10·t + i, so each split can be recognised by value.
const fourD = () =>
  readNifti(writeNifti({ geometry: g, volumeCount: 3, data: Int16Array.from({ length: 24 }, (_, n) => 10 * Math.floor(n / 8) + (n % 8)) }));

describe('b-value splitting of a 4D DWI', () => {
  it('parses FSL .bval text, on one row or one per line', () => {
    expect(parseBval('5 5 1500\n')).toEqual([5, 5, 1500]);
    expect(parseBval('0\n1000\n  2000.5 \n')).toEqual([0, 1000, 2000.5]);
    expect(() => parseBval('0 1000 abc', 'dwi.bval')).toThrow(/dwi\.bval is not a b-value list: entry 3 is "abc"/);
    expect(() => parseBval('0 -5')).toThrow(VolumeReadError);
  });

  it('gives one volume per frame, labelled by b-value; repeats are kept apart and numbered', () => {
    const notes: string[] = [];
    const vols = splitByBValue(fourD(), [5, 5, 1500], notes);
    expect(vols.map((v) => v.label)).toEqual(['b=5 (1)', 'b=5 (2)', 'b=1500']);
    expect(vols.map((v) => v.bValue)).toEqual([5, 5, 1500]);
    expect(vols.map((v) => Array.from(v.volume.data.subarray(0, 2)))).toEqual([
      [0, 1],
      [10, 11],
      [20, 21],
    ]);
    expect(vols.every((v) => v.volume.data.length === 8 && v.volume.geometry.dims[2] === 2)).toBe(true);
    expect(notes).toEqual([]);
  });

  it('rounds near-equal b-values into one shell for labels', () => {
    const vols = splitByBValue(fourD(), [0, 999.6, 1000.2], []);
    expect(vols.map((v) => v.label)).toEqual(['b=0', 'b=1000 (1)', 'b=1000 (2)']);
  });

  it('labels "volume n" without a .bval, and notes a .bval of the wrong length', () => {
    expect(splitByBValue(fourD(), null, []).map((v) => v.label)).toEqual(['volume 1', 'volume 2', 'volume 3']);
    const notes: string[] = [];
    const vols = splitByBValue(fourD(), [0, 1000], notes);
    expect(vols.map((v) => v.bValue)).toEqual([null, null, null]);
    expect(notes[0]).toMatch(/lists 2 b-values but the image has 3 volumes/);
  });

  it('a 3D image is one volume with the given label', () => {
    const img = readNifti(writeNifti({ geometry: g, data: new Uint8Array(8) }));
    expect(splitVolumes(img)).toHaveLength(1);
    expect(splitByBValue(img, null, [], 'T1').map((v) => v.label)).toEqual(['T1']);
  });
});
