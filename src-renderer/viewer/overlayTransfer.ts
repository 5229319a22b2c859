/**
 * Transfer function of the model's overlay volume (issue 15): a Float32 map is drawn through a
 * colour and an opacity function of its value, so changing the map's colour scale changes a few
 * nodes, never the voxels (the thresholded region's outline is drawn by outlineLayer.ts). As nodes
 * for vtk.js's ColorTransferFunction and PiecewiseFunction (x in the map's units, colours and
 * opacities in [0, 1]); each pair of nodes of a step is EPSILON of the scale apart, so a step is
 * sharp to well under the 1/1024 of the range that vtk.js samples the functions at.
 *
 * Pure; no Cornerstone import.
 */
import type { Rgba } from './raterColors';

export const MAP_LEVELS = 16;
/** Values at or below this fraction of the map's scale stay transparent. */
export const MAP_FLOOR = 0.05;
/** How opaque the map is drawn (the former labelmap layer's fill alpha). */
const MAP_ALPHA = 0.6;
const EPSILON = 1e-6;

/**
 * The map's ramp: red (low) to yellow (high), fully saturated from the first level. viridis starts
 * at a dark purple that, blended over grey at the fill alpha, is barely distinguishable from the
 * image, and a model's low probabilities are exactly what a reader must see.
 */
export function mapLut(levels: number): Rgba[] {
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let m = 1; m <= levels; m++) lut.push([255, Math.round((255 * (m - 1)) / Math.max(1, levels - 1)), 0, 255]);
  return lut;
}

export interface ColourNode {
  readonly x: number;
  readonly r: number;
  readonly g: number;
  readonly b: number;
}
export interface OpacityNode {
  readonly x: number;
  readonly y: number;
}
export interface TransferNodes {
  readonly colour: readonly ColourNode[];
  readonly opacity: readonly OpacityNode[];
}

/**
 * A map on [0, max] in `lut`'s levels: level m (1..L) colours values in ((m − 1)/L·max, m/L·max],
 * as the former Uint8 levels did (mapLevels.ts mapLevel), and values at or below `cut` are
 * transparent (the colour scale's notDrawn value).
 */
export function mapTransferNodes(lut: readonly Rgba[], max: number, cut: number): TransferNodes {
  const levels = lut.length - 1;
  if (!(max > 0) || levels < 1) throw new Error(`bad map scale (max ${max}, ${levels} levels)`);
  const eps = EPSILON * max;
  const colour: ColourNode[] = [];
  for (let m = 1; m <= levels; m++) {
    const [r, g, b] = lut[m].map((c) => c / 255);
    colour.push({ x: ((m - 1) / levels) * max + (m === 1 ? 0 : eps), r, g, b }, { x: (m / levels) * max, r, g, b });
  }
  const opacity = [
    { x: 0, y: 0 },
    { x: cut, y: 0 },
    { x: cut + eps, y: MAP_ALPHA },
    { x: max, y: MAP_ALPHA },
  ];
  return { colour, opacity };
}
