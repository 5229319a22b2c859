/**
 * The USE-Evaluator paper's key view: a per-case metric against the reference volume on a log axis,
 * coloured by reference-volume stratum, with the stratum boundaries drawn. A log axis has no 0, so
 * empty-reference cases sit on a strip at the left edge (labelled "empty"), and NaN values — the
 * convention's "undefined", never 0 — are counted in the legend rather than drawn.
 */
import * as Plot from '@observablehq/plot';
import { stratumOf, type StrataThresholds } from '../../src-shared/metrics/aggregate';
import type { DatasetCaseRow } from '../../src-shared/evaluation/datasetTypes';
import { decadeTicks, decimalTick } from './logTicks';
import { asSvg, describeSvg, PLOT_STYLE, STRATA, STRATUM_COLOURS, type PlotSize } from './plotStyle';

interface Point {
  readonly caseName: string;
  readonly x: number;
  readonly y: number;
  readonly stratum: string;
}

export interface MetricVsVolumeInput extends PlotSize {
  readonly rows: readonly DatasetCaseRow[];
  readonly metricKey: string;
  /** The metric's name on the y axis, as the table's header writes it (e.g. "HD95 (mm)"). */
  readonly metricLabel: string;
  readonly strata: StrataThresholds;
}

export function metricVsVolumePlot(input: MetricVsVolumeInput): SVGSVGElement {
  const { rows, metricKey, metricLabel, strata } = input;
  const positives = rows.map((r) => r.referenceVolumeMl).filter((v) => v > 0);
  // The empty strip sits one decade below the smallest lesion (at most 10⁻³ ml).
  const emptyX = positives.length > 0 ? Math.min(1e-3, 10 ** (Math.floor(Math.log10(Math.min(...positives))) - 1)) : 1e-3;
  const domain: [number, number] = [emptyX / 2, Math.max(10, ...positives) * 2];
  const points: Point[] = [];
  let nan = 0;
  for (const r of rows) {
    const y = r.metrics[metricKey];
    if (y === undefined || Number.isNaN(r.referenceVolumeMl)) continue;
    if (!Number.isFinite(y)) {
      nan++;
      continue;
    }
    const stratum = stratumOf(r.referenceVolumeMl, strata);
    points.push({ caseName: r.caseName, x: stratum === 'empty' ? emptyX : r.referenceVolumeMl, y, stratum });
  }
  // The legend sits bottom right, where large lesions with poor scores would be (rare).
  const row = (i: number) => -8 - (STRATA.length - i) * 14;
  const legend = STRATA.map((s, i) => [
    Plot.dot([s], { frameAnchor: 'bottom-right', dx: -110, dy: row(i), r: 4, fill: STRATUM_COLOURS[s] }),
    Plot.text([s], { frameAnchor: 'bottom-right', dx: -100, dy: row(i), text: (d: string) => d, textAnchor: 'start' }),
  ]);
  const svg = Plot.plot({
    width: input.width,
    height: input.height,
    style: PLOT_STYLE,
    marginLeft: 48,
    marginRight: 16,
    x: { type: 'log', label: 'reference volume (ml, log) →', domain, ticks: decadeTicks(domain[0], domain[1]), tickFormat: decimalTick },
    y: { label: `↑ ${metricLabel}`, grid: true, nice: true },
    marks: [
      Plot.ruleX([strata.smallMaxMl, strata.mediumMaxMl], { stroke: '#888888', strokeDasharray: '4,3' }),
      Plot.text([`empty`], { x: emptyX, frameAnchor: 'bottom', dy: -4, fill: '#666666' }),
      Plot.dot(points, {
        x: 'x',
        y: 'y',
        r: 3.5,
        fill: (d: Point) => STRATUM_COLOURS[d.stratum as keyof typeof STRATUM_COLOURS],
        fillOpacity: 0.85,
        // Tests and exports find the cases' dots by this class (the legend's dots are dots too).
        className: 'case-dots',
        stroke: '#ffffff',
        strokeWidth: 0.5,
        title: (d: Point) =>
          `${d.caseName}: ${metricLabel} ${d.y.toPrecision(3)} at ${d.stratum === 'empty' ? 'empty reference' : `${d.x.toPrecision(3)} ml`}`,
      }),
      ...legend.flat(),
      Plot.text([`${nan} NaN not shown`], { frameAnchor: 'bottom-right', dx: -110, dy: -8, textAnchor: 'start', fill: '#666666' }),
    ],
  });
  return describeSvg(
    asSvg(svg),
    `${metricLabel} vs reference volume`,
    `One dot per case; strata empty / small ≤ ${strata.smallMaxMl} ml / medium ≤ ${strata.mediumMaxMl} ml / large; ${nan} cases with NaN not drawn.`,
  );
}
