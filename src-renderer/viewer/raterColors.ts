/**
 * Colours of the annotation layers, as Cornerstone colour LUTs (index = segment index = label value,
 * entries RGBA 0–255). Each segmentation gets its own LUT: Cornerstone's setSegmentIndexColor edits
 * a LUT shared by reference, so sharing one between raters would recolour them all.
 *
 * Raters: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable with
 * the common colour-vision deficiencies; black is left out (invisible on a dark image). A rater's
 * labelled voxels are drawn in their colour, the uncertain label's in the same hue, fainter: review
 * compares raters, so the rater, not the label, picks the colour there. The own labelmap in annotate
 * mode is drawn in the project's label colours (labelTable.ts).
 * Heat map: matplotlib's "viridis" (purple → teal → yellow; perceptually ordered, colour-blind
 * safe), sampled at five stops and interpolated linearly, one entry per quantised level.
 *
 * Pure functions; no Cornerstone import, so they are unit-tested in Node.
 */
import { labelRgb, type LabelTable } from '../../src-shared/project/labelTable';

export type Rgba = [number, number, number, number];

/** Okabe–Ito without black, in the order raters get them. */
export const OKABE_ITO: ReadonlyArray<{ name: string; rgb: readonly [number, number, number] }> = [
  { name: 'orange', rgb: [230, 159, 0] },
  { name: 'sky blue', rgb: [86, 180, 233] },
  { name: 'bluish green', rgb: [0, 158, 115] },
  { name: 'yellow', rgb: [240, 228, 66] },
  { name: 'blue', rgb: [0, 114, 178] },
  { name: 'vermillion', rgb: [213, 94, 0] },
  { name: 'reddish purple', rgb: [204, 121, 167] },
];

/** A LUT up to the table's highest value: each label's entry from `colour`, every other entry transparent. */
function labelLut(labels: LabelTable, colour: (label: LabelTable[number]) => Rgba): Rgba[] {
  const lut: Rgba[] = Array.from({ length: Math.max(0, ...labels.map((l) => l.value)) + 1 }, () => [0, 0, 0, 0]);
  for (const l of labels) lut[l.value] = colour(l);
  return lut;
}

/** The own labelmap in annotate mode: each label in the table's colour. */
export function ownLabelmapLut(labels: LabelTable): Rgba[] {
  return labelLut(labels, (l) => [...labelRgb(l), 255]);
}

/**
 * Each rater's palette index, from the rater alone: their place among the project's raters in the
 * order they were created (ties by id). A rater keeps their colour on every case and when others
 * (the model's rater, a new colleague) start annotating: counting only the raters with work on the
 * case, in name order, turned one rater from orange to blue when the model's layer appeared.
 */
export function raterColorIndices(raters: ReadonlyArray<{ readonly raterId: string; readonly createdAt: string }>): Map<string, number> {
  const ordered = [...raters].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.raterId < b.raterId ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
  return new Map(ordered.map((r, n) => [r.raterId, n]));
}

/** The colour of the `n`-th rater (0-based), cycling after seven. */
export function raterColor(n: number): readonly [number, number, number] {
  return OKABE_ITO[((n % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length].rgb;
}

/** A rater's LUT: every label in their colour, the uncertain label in the same colour at 40% alpha. */
export function raterLut(n: number, labels: LabelTable): Rgba[] {
  const [r, g, b] = raterColor(n);
  return labelLut(labels, (l) => [r, g, b, l.uncertain ? 102 : 255]);
}

/** viridis at 0, ¼, ½, ¾ and 1 (the published colour map's values, rounded). */
const VIRIDIS_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The ramp's colour at t in [0, 1]. */
function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS_STOPS.length - 1);
  const k = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(x));
  const f = x - k;
  const a = VIRIDIS_STOPS[k];
  const b = VIRIDIS_STOPS[k + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as [number, number, number];
}

/**
 * The heat map's LUT for `levels` quantised levels: entry m (1..levels) shows a mean vote of
 * m / levels, coloured along the ramp; entry 0 is transparent.
 */
export function heatLut(levels: number): Rgba[] {
  if (!Number.isInteger(levels) || levels < 1 || levels > 255)
    throw new Error(`heat map levels must be an integer from 1 to 255, got ${levels}`);
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let m = 1; m <= levels; m++) {
    const t = levels === 1 ? 1 : (m - 1) / (levels - 1);
    lut.push([...viridis(t), 255]);
  }
  return lut;
}

/**
 * The disagreement map's ramp, after matplotlib's "inferno" from ¼ to 0.9 (purple → red → orange →
 * yellow): perceptually ordered and distinct from the viridis heat map. It stops before inferno's
 * pale end so that full disagreement (the common case with two raters) stays a saturated colour.
 */
const INFERNO_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [120, 28, 109],
  [188, 55, 84],
  [237, 105, 37],
  [251, 180, 26],
];

/** The disagreement map's LUT: entry m (1..levels) along the ramp, entry 0 transparent. */
export function disagreementLut(levels: number): Rgba[] {
  if (!Number.isInteger(levels) || levels < 1 || levels > 255)
    throw new Error(`disagreement levels must be an integer from 1 to 255, got ${levels}`);
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let m = 1; m <= levels; m++) {
    const x = (levels === 1 ? 1 : (m - 1) / (levels - 1)) * (INFERNO_STOPS.length - 1);
    const k = Math.min(INFERNO_STOPS.length - 2, Math.floor(x));
    const f = x - k;
    const [a, b] = [INFERNO_STOPS[k], INFERNO_STOPS[k + 1]];
    lut.push([Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2])), 255]);
  }
  return lut;
}

/** The soft reference's p = 0.5 contour: white outline. */
export function softContourLut(): Rgba[] {
  return [
    [0, 0, 0, 0],
    [255, 255, 255, 255],
  ];
}
