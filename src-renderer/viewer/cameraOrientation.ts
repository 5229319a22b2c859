/**
 * Which way each MPR viewport looks, and the orientation letters at its edges.
 *
 * Cornerstone's standard cameras (core constants/mprCameraValues.ts) look along patient axes. For
 * an oblique acquisition that slices the volume at an angle to its voxels; we instead align each
 * viewport with the volume axis closest to the standard view (the "reformat to acquisition" that
 * scanner consoles show), so the axial-like view steps exactly one acquired slice at a time. The
 * letters are then computed from the actual camera, so they stay right for oblique planes.
 *
 * LPS convention: +x = Left, +y = Posterior, +z = Superior. Screen right is viewUp × viewPlaneNormal
 * (the camera looks along −viewPlaneNormal), e.g. axial: up = −y (A), normal = −z ⇒ right = +x (L),
 * the radiological convention.
 */
import type { Vec3 } from '../../src-shared/volume/types';

export type MprView = 'axial' | 'sagittal' | 'coronal';

export interface CameraVectors {
  readonly viewPlaneNormal: Vec3;
  readonly viewUp: Vec3;
}

export interface AlignedCamera extends CameraVectors {
  /** The voxel axis (0 = i, 1 = j, 2 = k) the view steps along; slice numbers count along it. */
  readonly voxelAxis: 0 | 1 | 2;
}

/** Cornerstone's MPR_CAMERA_VALUES, restated so these functions stay Cornerstone-free. */
export const STANDARD_CAMERAS: Record<MprView, CameraVectors> = {
  axial: { viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0] },
  sagittal: { viewPlaneNormal: [1, 0, 0], viewUp: [0, 0, 1] },
  coronal: { viewPlaneNormal: [0, -1, 0], viewUp: [0, 0, 1] },
};

const VIEW_ORDER: readonly MprView[] = ['axial', 'sagittal', 'coronal'];

/**
 * Cameras aligned with the volume's own axes. Each view takes the unused voxel axis (rows of
 * `direction`) most parallel to its standard normal, signed like it; viewUp is the remaining axis
 * closest to the standard up, made orthogonal to the normal so a sheared grid still gives a valid
 * camera.
 */
export function computeVolumeAlignedCameras(direction: readonly number[]): Record<MprView, AlignedCamera> {
  const axes: Vec3[] = [0, 1, 2].map((r) => normalize([direction[3 * r], direction[3 * r + 1], direction[3 * r + 2]]));
  const used = new Set<number>();
  const result = {} as Record<MprView, AlignedCamera>;
  for (const view of VIEW_ORDER) {
    const standard = STANDARD_CAMERAS[view];
    const normalAxis = bestAxis(axes, standard.viewPlaneNormal, used);
    used.add(normalAxis.index);
    const exclude = new Set([normalAxis.index]);
    const upAxis = bestAxis(axes, standard.viewUp, exclude);
    const up = normalize(subtract(upAxis.vector, scale(normalAxis.vector, dot(upAxis.vector, normalAxis.vector))));
    result[view] = { viewPlaneNormal: normalAxis.vector, viewUp: up, voxelAxis: normalAxis.index as 0 | 1 | 2 };
  }
  return result;
}

/** Screen-right direction in LPS for a camera. */
function screenRight(camera: CameraVectors): Vec3 {
  return cross(camera.viewUp, camera.viewPlaneNormal);
}

export interface EdgeLabels {
  readonly top: string;
  readonly bottom: string;
  readonly left: string;
  readonly right: string;
}

export function computeEdgeLabels(camera: CameraVectors): EdgeLabels {
  const right = screenRight(camera);
  return {
    top: orientationLetters(camera.viewUp),
    bottom: orientationLetters(scale(camera.viewUp, -1)),
    right: orientationLetters(right),
    left: orientationLetters(scale(right, -1)),
  };
}

/**
 * Letters for an LPS direction, strongest component first, e.g. [0.9, -0.4, 0] → "LA". Components
 * under 0.3 (about 17° of tilt) are left out, so a slightly oblique axis still reads as one letter.
 */
export function orientationLetters(v: Vec3): string {
  const letters: Array<{ weight: number; letter: string }> = [
    { weight: Math.abs(v[0]), letter: v[0] > 0 ? 'L' : 'R' },
    { weight: Math.abs(v[1]), letter: v[1] > 0 ? 'P' : 'A' },
    { weight: Math.abs(v[2]), letter: v[2] > 0 ? 'S' : 'I' },
  ];
  return letters
    .filter((l) => l.weight >= 0.3)
    .sort((a, b) => b.weight - a.weight)
    .map((l) => l.letter)
    .join('');
}

function bestAxis(axes: Vec3[], target: Vec3, exclude: Set<number>): { index: number; vector: Vec3 } {
  let best = -1;
  let bestDot = -1;
  for (let a = 0; a < axes.length; a++) {
    if (exclude.has(a)) continue;
    const d = Math.abs(dot(axes[a], target));
    if (d > bestDot) {
      bestDot = d;
      best = a;
    }
  }
  const axis = axes[best];
  return { index: best, vector: dot(axis, target) < 0 ? scale(axis, -1) : axis };
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
function subtract(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return n > 0 ? [a[0] / n, a[1] / n, a[2] / n] : [0, 0, 0];
}
