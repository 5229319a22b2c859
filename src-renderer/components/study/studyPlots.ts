/**
 * The report's plots, drawn with Observable Plot: preference rates with their Wilson 95% CIs as
 * error bars, the acceptability histogram per source, and the per-reader panel (each reader's rate
 * and CI beside the pooled one). Inputs are rows already labelled for people; nothing is computed
 * here but positions.
 */
import * as Plot from '@observablehq/plot';

const STYLE = {
  fontFamily: '"DejaVu Sans", "Liberation Sans", Arial, sans-serif',
  fontSize: '11px',
  background: '#ffffff',
  color: '#222222',
  overflow: 'visible',
} as const;

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

/** Room for the longest label at 11 px (about 6.5 px a character), within reason. */
function labelMargin(labels: readonly string[]): number {
  return Math.min(460, Math.max(80, Math.ceil(6.5 * Math.max(0, ...labels.map((l) => l.length))) + 12));
}

/** Pooled rates as horizontal bars with CI whiskers, and the chance line at 0.5. */
export function preferencePlot(rows: readonly RateRow[]): SVGSVGElement | HTMLElement {
  const marginLeft = labelMargin(rows.map((r) => r.what));
  return Plot.plot({
    width: marginLeft + 380,
    height: 50 + 40 * rows.length,
    marginLeft,
    marginRight: 60,
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

function integerTicks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 5));
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return ticks;
}

/** Acceptability scores 1–5, one panel per source. */
export function acceptabilityPlot(rows: readonly HistogramRow[], width = 640): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width,
    height: 220,
    style: STYLE,
    fx: { label: null },
    x: { domain: [1, 2, 3, 4, 5], label: 'acceptability' },
    // Whole answers only: explicit integer ticks (a count suggestion gives 0.5 steps on small counts).
    y: { label: 'answers', grid: true, ticks: integerTicks(Math.max(1, ...rows.map((r) => r.count))) },
    color: { legend: false, range: ['#009E73', '#E69F00', '#CC79A7', '#0072B2'] },
    marks: [Plot.barY(rows, { fx: 'source', x: 'score', y: 'count', fill: 'source' }), Plot.ruleY([0])],
  });
}

/** Each reader's rate and CI next to the pooled one: one small plot per measure, titled with it. */
export function perReaderPlot(rows: readonly RateRow[]): HTMLElement {
  const panel = document.createElement('div');
  panel.className = 'study-reader-panel';
  for (const what of [...new Set(rows.map((r) => r.what))]) {
    const mine = rows.filter((r) => r.what === what);
    const marginLeft = labelMargin(mine.map((r) => r.who));
    panel.append(
      Plot.plot({
        title: what,
        width: marginLeft + 380,
        height: 40 + 26 * mine.length,
        marginLeft,
        style: STYLE,
        x: { domain: [0, 1], label: 'rate (Wilson 95% CI)', grid: true },
        y: { label: null, domain: mine.map((r) => r.who) },
        marks: [
          Plot.ruleX([0.5], { stroke: '#D55E00', strokeDasharray: '4,3' }),
          Plot.ruleY(mine, { y: 'who', x1: 'lo', x2: 'hi', stroke: '#555555' }),
          Plot.dot(mine, { y: 'who', x: 'rate', fill: (d: RateRow) => (d.who === 'pooled' ? '#222222' : '#0072B2'), r: 4 }),
        ],
      }),
    );
  }
  return panel;
}

export interface RocRow {
  /** The reader's name, with their AUC. */
  readonly who: string;
  readonly fpf: number;
  readonly tpf: number;
}

/**
 * Each reader's empirical ROC curve of telling the AI contour from the human one (operating points
 * joined by straight lines, whose area is the reader's AUC), and the chance diagonal.
 */
export function rocPlot(rows: readonly RocRow[]): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: 420,
    height: 380,
    style: STYLE,
    aspectRatio: 1,
    x: { domain: [0, 1], label: 'false positive fraction (human contour called AI)', grid: true },
    y: { domain: [0, 1], label: 'true positive fraction (AI contour called AI)', grid: true },
    color: { legend: true, range: ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] },
    marks: [
      Plot.line(
        [
          [0, 0],
          [1, 1],
        ],
        { stroke: '#999999', strokeDasharray: '4,3' },
      ),
      Plot.line(rows, { x: 'fpf', y: 'tpf', stroke: 'who', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'fpf', y: 'tpf', fill: 'who', r: 3 }),
    ],
  });
}
