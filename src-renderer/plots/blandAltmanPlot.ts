/**
 * Bland–Altman of the model's volume against the reference volume: difference (model − reference)
 * against their mean, with the bias and the 95% limits of agreement (bias ± 1.96·SD) as rules.
 * The dashboard draws one for the thresholded volume V_thr and one for the expected volume Σp side
 * by side, so a bias of the thresholded volume that the expected volume does not share is visible.
 */
import * as Plot from '@observablehq/plot';
import type { BlandAltman } from '../../src-shared/evaluation/datasetTypes';
import { asSvg, describeSvg, PLOT_STYLE, short, type PlotSize } from './plotStyle';

export interface BlandAltmanInput extends PlotSize {
  readonly ba: BlandAltman;
  /** e.g. "thresholded V_thr (p > 0.5)" */
  readonly label: string;
  /** A shared y domain for side-by-side panels; computed from the data when omitted. */
  readonly yDomain?: readonly [number, number];
}

/** One y domain covering both panels' points and limits, so side-by-side panels compare by eye. */
export function sharedDiffDomain(...bas: readonly BlandAltman[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const ba of bas) {
    for (const p of ba.points) {
      lo = Math.min(lo, p.diff);
      hi = Math.max(hi, p.diff);
    }
    for (const v of [ba.loaLow, ba.loaHigh]) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  const pad = (hi - lo) * 0.08 || 1;
  return [lo - pad, hi + pad];
}

export function blandAltmanPlot(input: BlandAltmanInput): SVGSVGElement {
  const { ba, label } = input;
  const rules: { y: number; name: string; dash: string }[] = [];
  if (Number.isFinite(ba.bias)) rules.push({ y: ba.bias, name: `bias ${short(ba.bias)} ml`, dash: '' });
  if (Number.isFinite(ba.loaLow)) rules.push({ y: ba.loaLow, name: `−1.96 SD ${short(ba.loaLow)}`, dash: '4,3' });
  if (Number.isFinite(ba.loaHigh)) rules.push({ y: ba.loaHigh, name: `+1.96 SD ${short(ba.loaHigh)}`, dash: '4,3' });
  const svg = Plot.plot({
    width: input.width,
    height: input.height,
    style: PLOT_STYLE,
    marginLeft: 52,
    marginRight: 90,
    x: { label: 'mean of model and reference (ml) →', nice: true },
    y: { label: `↑ model − reference (ml)`, grid: true, domain: input.yDomain ? [...input.yDomain] : undefined },
    marks: [
      Plot.ruleY([0], { stroke: '#bbbbbb' }),
      ...rules.map((r) => Plot.ruleY([r.y], { stroke: '#C0392B', strokeDasharray: r.dash || undefined })),
      ...rules.map((r) => Plot.text([r.name], { y: r.y, frameAnchor: 'right', dx: 86, textAnchor: 'end', fill: '#C0392B' })),
      Plot.dot(ba.points, {
        x: 'mean',
        y: 'diff',
        r: 3,
        fill: '#0072B2',
        fillOpacity: 0.8,
        className: 'case-dots',
        title: (d: BlandAltman['points'][number]) => `${d.caseId}: ${short(d.diff)} ml`,
      }),
      Plot.text([`${label}, n = ${ba.n}`], { frameAnchor: 'top-left', dx: 6, dy: 6, textAnchor: 'start', fontWeight: 'bold' }),
    ],
  });
  return describeSvg(
    asSvg(svg),
    `Bland–Altman: ${label}`,
    `Model minus reference volume against their mean; bias ${short(ba.bias)} ml, limits of agreement ${short(ba.loaLow)} to ${short(ba.loaHigh)} ml (±1.96 sample SD), n = ${ba.n}.`,
  );
}
