import { describe, expect, it } from 'vitest';
import { computeEdgeLabels, computeVolumeAlignedCameras, orientationLetters, STANDARD_CAMERAS } from './cameraOrientation';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('computeEdgeLabels', () => {
  it('gives radiological axial letters: anterior up, patient left on screen right', () => {
    expect(computeEdgeLabels(STANDARD_CAMERAS.axial)).toEqual({ top: 'A', bottom: 'P', left: 'R', right: 'L' });
  });
  it('gives sagittal letters: superior up, anterior on screen left', () => {
    expect(computeEdgeLabels(STANDARD_CAMERAS.sagittal)).toEqual({ top: 'S', bottom: 'I', left: 'A', right: 'P' });
  });
  it('gives coronal letters: superior up, patient left on screen right', () => {
    expect(computeEdgeLabels(STANDARD_CAMERAS.coronal)).toEqual({ top: 'S', bottom: 'I', left: 'R', right: 'L' });
  });
});

describe('orientationLetters', () => {
  it('lists strong components first and drops small ones', () => {
    expect(orientationLetters([0.9, -0.43, 0.05])).toBe('LA');
    expect(orientationLetters([-0.2, 0, -0.98])).toBe('I');
  });
});

describe('computeVolumeAlignedCameras', () => {
  it('reproduces the standard cameras for an axis-aligned volume', () => {
    const cams = computeVolumeAlignedCameras(IDENTITY);
    for (const view of ['axial', 'sagittal', 'coronal'] as const) {
      expect(cams[view].viewPlaneNormal.map((v) => v + 0)).toEqual([...STANDARD_CAMERAS[view].viewPlaneNormal]);
      expect(cams[view].viewUp.map((v) => v + 0)).toEqual([...STANDARD_CAMERAS[view].viewUp]);
    }
    expect([cams.axial.voxelAxis, cams.sagittal.voxelAxis, cams.coronal.voxelAxis]).toEqual([2, 0, 1]);
  });

  it('follows a volume stored RAS-style (i toward R, j toward A) without changing the letters', () => {
    // NIfTI RAS+ identity affine in LPS: i → −x, j → −y, k → +z.
    const cams = computeVolumeAlignedCameras([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(computeEdgeLabels(cams.axial)).toEqual({ top: 'A', bottom: 'P', left: 'R', right: 'L' });
    expect(computeEdgeLabels(cams.sagittal)).toEqual({ top: 'S', bottom: 'I', left: 'A', right: 'P' });
  });

  it('tilts the axial view with a 20° oblique acquisition about x', () => {
    const t = (20 * Math.PI) / 180;
    // i = x; j and k rotated about x by 20°.
    const dir = [1, 0, 0, 0, Math.cos(t), Math.sin(t), 0, -Math.sin(t), Math.cos(t)];
    const axial = computeVolumeAlignedCameras(dir).axial;
    // The normal is ±k, signed toward the standard −z.
    expect(axial.viewPlaneNormal[0]).toBeCloseTo(0, 12);
    expect(axial.viewPlaneNormal[1]).toBeCloseTo(Math.sin(t), 12);
    expect(axial.viewPlaneNormal[2]).toBeCloseTo(-Math.cos(t), 12);
    // up = −j = (0, −cos20°, −sin20°): mostly anterior, sin20° = 0.34 inferior (above the 0.3 cut).
    expect(computeEdgeLabels(axial).top).toBe('AI');
    expect(computeEdgeLabels(axial).right).toBe('L');
  });

  it('keeps a single letter for a 10° tilt', () => {
    const t = (10 * Math.PI) / 180;
    const dir = [1, 0, 0, 0, Math.cos(t), Math.sin(t), 0, -Math.sin(t), Math.cos(t)];
    expect(computeEdgeLabels(computeVolumeAlignedCameras(dir).axial).top).toBe('A');
  });
});
