/**
 * The report's plots, drawn with Observable Plot: preference rates with their Wilson 95% CIs as
 * error bars, the acceptability histogram per source, and the per-reader panel (each reader's rate
 * and CI beside the pooled one). Inputs are rows already labelled for people; nothing is computed
 * here but positions.
 */
import * as Plot from '@observablehq/plot';

const STYLE = { fontFamily: '"DejaVu Sans", "Liberation Sans", Arial, sans-serif', fontSize: '11px', background: '#ffffff', color: '#222222', overflow: 'visible' } as const;

export interface RateRow {
  /** What the rate is of, e.g. "prefers Demo model over Dr. A". */
  readonly what: string;
  /** "pooled" or a reader's name. */
  readonly who: string;
  readonly rate: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
}

export interface HistogramRow {
  readonly source: string;
  readonly score: number;
  readonly count: number;
}

/** Pooled rates as horizontal bars with CI whiskers, and the chance line at 0.5. */
export function preferencePlot(rows: readonly RateRow[], width = 560): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width,
    height: 50 + 40 * rows.length,
    marginLeft: 260,
    style: STYLE,
    x: { domain: [0, 1], label: 'rate (Wilson 95% CI)', grid: true },
    y: { label: null },
    marks: [
      Plot.barX(rows, { x: 'rate', y: 'what', fill: '#56B4E9' }),
      Plot.ruleY(rows, { y: 'what', x1: 'lo', x2: 'hi', stroke: '#222222', strokeWidth: 2 }),
      Plot.tickX(rows, { y: 'what', x: 'lo', stroke: '#222222' }),
      Plot.tickX(rows, { y: 'what', x: 'hi', stroke: '#222222' }),
      Plot.ruleX([0.5], { stroke: '#D55E00', strokeDasharray: '4,3' }),
      Plot.text(rows, { y: 'what', x: 'hi', text: (d: RateRow) => `n = ${d.n}`, dx: 6, textAnchor: 'start' }),
    ],
  });
}

/** Acceptability scores 1–5, one panel per source. */
export function acceptabilityPlot(rows: readonly HistogramRow[], width = 560): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width,
    height: 220,
    style: STYLE,
    fx: { label: null },
    x: { domain: [1, 2, 3, 4, 5], label: 'acceptability' },
    y: { label: 'answers', grid: true, tickFormat: 'd' },
    color: { legend: false, range: ['#009E73', '#E69F00', '#CC79A7', '#0072B2'] },
    marks: [Plot.barY(rows, { fx: 'source', x: 'score', y: 'count', fill: 'source' }), Plot.ruleY([0])],
  });
}

/** Each reader's rate and CI next to the pooled one, one row of panels per measure. */
export function perReaderPlot(rows: readonly RateRow[], width = 560): SVGSVGElement | HTMLElement {
  const whats = [...new Set(rows.map((r) => r.what))];
  return Plot.plot({
    width,
    height: 40 + whats.length * (30 + 26 * new Set(rows.map((r) => r.who)).size),
    marginLeft: 120,
    style: STYLE,
    fy: { label: null, domain: whats },
    x: { domain: [0, 1], label: 'rate (Wilson 95% CI)', grid: true },
    y: { label: null },
    marks: [
      Plot.ruleX([0.5], { stroke: '#D55E00', strokeDasharray: '4,3' }),
      Plot.ruleY(rows, { fy: 'what', y: 'who', x1: 'lo', x2: 'hi', stroke: '#555555' }),
      Plot.dot(rows, { fy: 'what', y: 'who', x: 'rate', fill: (d: RateRow) => (d.who === 'pooled' ? '#222222' : '#0072B2'), r: 4 }),
    ],
  });
}
