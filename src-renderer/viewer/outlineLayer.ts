/**
 * The thresholded region's outline drawn on a 2D canvas over volume viewports (issue 15): a
 * transfer function can only colour voxels, so the outline users saw on the former labelmap layer
 * (cyan, one pixel, no fill) is drawn here, for the pixels on screen only (outlinePixels.ts).
 *
 * Per viewport, the pixels that can be in the region at any threshold of the slider, and their
 * voxels, are worked out once per camera (after Cornerstone renders a new one: IMAGE_RENDERED, in
 * the same frame); a threshold change then reads only their scores and puts the part of the canvas
 * they cover, with no WebGL render and no voxel written or uploaded.
 *
 * The canvas sits right over Cornerstone's (same size in device pixels, under its SVG annotation
 * layer, so the crosshairs stay on top) and takes no pointer events.
 */
import { Enums, type Types } from '@cornerstonejs/core';
import { THRESHOLD_MIN } from '../../src-shared/inference/thresholdIndex';
import type { Vec3 } from '../../src-shared/volume/types';
import { drawOutline, findCandidates, type OutlineCandidates, type PixelToIndex } from './outlinePixels';
import type { WorldToIndex } from './voxelGeometry';

/** The former mask layer's colour (its LUT's label 1). */
const OUTLINE_RGB: readonly [number, number, number] = [0, 255, 255];

export interface OutlineLayer {
  /** Draws over `viewport`, following its camera, until detached. */
  attach(viewport: Types.IVolumeViewport): void;
  detach(viewportId: string): void;
  isAttached(viewport: Types.IVolumeViewport): boolean;
  /** Redraws every attached viewport at `threshold` now. */
  setThreshold(threshold: number): void;
  detachAll(): void;
}

interface Attached {
  readonly viewport: Types.IVolumeViewport;
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  readonly onRendered: () => void;
  image: ImageData | null;
  inside: Uint8Array;
  candidates: OutlineCandidates | null;
  /** The pixel → voxel map `candidates` were found for. */
  mapKey: string;
  /** The threshold the canvas shows. */
  drawnAt: number;
}

/** Sample spacing (device pixels) for the camera's affine: far apart, so rounding stays well under a pixel's worth. */
const SPAN = 256;

/** Pixel (device, at its centre) → continuous voxel index, from Cornerstone's canvas → world (CSS pixels). */
function pixelToIndex(viewport: Types.IVolumeViewport, width: number, height: number, worldToIndex: WorldToIndex): PixelToIndex {
  const sx = viewport.canvas.clientWidth / width;
  const sy = viewport.canvas.clientHeight / height;
  const at = (x: number, y: number): Vec3 => {
    const w = viewport.canvasToWorld([(x + 0.5) * sx, (y + 0.5) * sy]);
    return worldToIndex([w[0], w[1], w[2]]);
  };
  const origin = at(0, 0);
  const right = at(SPAN, 0);
  const down = at(0, SPAN);
  const step = (p: Vec3): Vec3 => [(p[0] - origin[0]) / SPAN, (p[1] - origin[1]) / SPAN, (p[2] - origin[2]) / SPAN];
  return { origin, perColumn: step(right), perRow: step(down) };
}

export function createOutlineLayer(score: Float32Array, dims: Vec3, worldToIndex: WorldToIndex, threshold: number): OutlineLayer {
  const attached = new Map<string, Attached>();
  let t = threshold;

  function draw(a: Attached): void {
    const { width, height } = a.viewport.canvas;
    if (width === 0 || height === 0) return;
    const map = pixelToIndex(a.viewport, width, height, worldToIndex);
    const key = `${width}x${height}:${[...map.origin, ...map.perColumn, ...map.perRow].join(',')}`;
    if (a.canvas.width !== width || a.canvas.height !== height || !a.image) {
      a.canvas.width = width;
      a.canvas.height = height;
      a.image = new ImageData(width, height);
      a.inside = new Uint8Array(width * height);
      a.candidates = null;
    }
    const ctx = a.canvas.getContext('2d');
    if (!ctx) return;
    if (key !== a.mapKey || !a.candidates) {
      a.candidates = findCandidates(width, height, dims, map, score, THRESHOLD_MIN, a.candidates ?? undefined);
      a.mapKey = key;
      a.drawnAt = t;
      // Other pixels than before: start from a clear canvas and put all of it.
      a.image.data.fill(0);
      drawOutline(a.candidates, width, height, score, t, OUTLINE_RGB, a.image.data, a.inside);
      ctx.putImageData(a.image, 0, 0);
      return;
    }
    // Most renders (the crosshairs moving, a window change) change neither.
    if (a.drawnAt === t) return;
    a.drawnAt = t;
    drawOutline(a.candidates, width, height, score, t, OUTLINE_RGB, a.image.data, a.inside);
    const { x0, y0, x1, y1 } = a.candidates.box;
    if (x1 > x0) ctx.putImageData(a.image, 0, 0, x0, y0, x1 - x0, y1 - y0);
  }

  const layer: OutlineLayer = {
    attach(viewport) {
      if (layer.isAttached(viewport)) return;
      layer.detach(viewport.id);
      const canvas = document.createElement('canvas');
      Object.assign(canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none' });
      canvas.style.imageRendering = 'pixelated';
      canvas.dataset.testid = 'region-outline';
      viewport.canvas.after(canvas);
      const a: Attached = {
        viewport,
        element: viewport.element,
        canvas,
        onRendered: () => draw(a),
        image: null,
        inside: new Uint8Array(0),
        candidates: null,
        mapKey: '',
        drawnAt: Number.NaN,
      };
      // A camera change (scroll, zoom, pan, resize, rotation) reaches the screen through a render.
      a.element.addEventListener(Enums.Events.IMAGE_RENDERED, a.onRendered);
      attached.set(viewport.id, a);
      draw(a);
    },

    detach(viewportId) {
      const a = attached.get(viewportId);
      if (!a) return;
      a.element.removeEventListener(Enums.Events.IMAGE_RENDERED, a.onRendered);
      a.canvas.remove();
      attached.delete(viewportId);
    },

    isAttached(viewport) {
      const a = attached.get(viewport.id);
      return a !== undefined && a.viewport === viewport && a.canvas.isConnected;
    },

    setThreshold(threshold) {
      // The candidates hold the scores above the slider's minimum only.
      if (!(threshold >= THRESHOLD_MIN)) throw new Error(`threshold ${threshold} is below the outlined range (${THRESHOLD_MIN})`);
      t = threshold;
      for (const a of attached.values()) draw(a);
    },

    detachAll() {
      for (const id of [...attached.keys()]) layer.detach(id);
    },
  };
  return layer;
}
