/**
 * The reliability diagram: observed lesion frequency against mean predicted probability per bin
 * (positive-class convention, 10 bins [k/10, (k+1)/10), p = 1 in the last, pooled over every case's
 * voxels), the diagonal of perfect calibration, and each bin's voxel count printed above its point
 * and drawn as bars on a log axis below, so sparse bins are not mistaken for evidence.
 */
import * as Plot from '@observablehq/plot';
import type { ReliabilityBin, ReliabilitySummary } from '../../src-shared/evaluation/datasetTypes';
import { asSvg, describeSvg, PLOT_STYLE, short, type PlotSize } from './plotStyle';

function countLabel(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toPrecision(2)}M` : n >= 1e3 ? `${(n / 1e3).toPrecision(2)}k` : String(n);
}

export function reliabilityPlot(input: PlotSize & { readonly reliability: ReliabilitySummary }): SVGSVGElement {
  const r = input.reliability;
  const filled = r.bins.filter((b) => b.count > 0);
  const curveHeight = Math.round(input.height * 0.64);
  const svg = Plot.plot({
    width: input.width,
    height: input.height,
    style: PLOT_STYLE,
    marginLeft: 48,
    marginBottom: input.height - curveHeight,
    x: { domain: [0, 1], label: null },
    y: { domain: [0, 1], label: '↑ observed frequency', grid: true },
    marks: [
      Plot.line(
        [
          [0, 0],
          [1, 1],
        ],
        { stroke: '#bbbbbb', strokeDasharray: '4,3' },
      ),
      Plot.line(filled, { x: 'confidence', y: 'frequency', stroke: '#0072B2' }),
      Plot.dot(filled, {
        x: 'confidence',
        y: 'frequency',
        r: 3.5,
        fill: '#0072B2',
        title: (b: ReliabilityBin) => `[${b.lo}, ${b.hi}): ${b.count} voxels`,
      }),
      Plot.text(filled, { x: 'confidence', y: 'frequency', text: (b: ReliabilityBin) => countLabel(b.count), dy: -9, fill: '#444444' }),
      Plot.text([`ECE (positive-class, pooled) = ${short(r.ece)}`], {
        frameAnchor: 'top-left',
        dx: 6,
        dy: 6,
        textAnchor: 'start',
        fontWeight: 'bold',
      }),
      Plot.text([`${r.cases} cases, ${countLabel(r.voxels)} voxels`], {
        frameAnchor: 'top-left',
        dx: 6,
        dy: 20,
        textAnchor: 'start',
        fill: '#666666',
      }),
      Plot.text(['mean predicted p →'], { frameAnchor: 'bottom-right', dy: -4, textAnchor: 'end', fill: '#666666' }),
    ],
  });
  const curve = asSvg(svg);
  // The count bars: a second Plot below the curve, merged into one <svg> so it exports as one file.
  const bars = asSvg(
    Plot.plot({
      width: input.width,
      height: input.height - curveHeight,
      style: PLOT_STYLE,
      marginLeft: 48,
      marginTop: 30,
      x: { domain: r.bins.map((b) => b.lo.toFixed(1)), label: 'bin of p (lower edge) →', padding: 0.15 },
      y: {
        type: 'log',
        label: 'voxels',
        labelAnchor: 'center',
        labelArrow: 'none',
        domain: [1, Math.max(10, ...r.bins.map((b) => b.count)) * 2],
        ticks: 3,
      },
      marks: [Plot.barY(filled, { x: (b: ReliabilityBin) => b.lo.toFixed(1), y1: 1, y2: 'count', fill: '#9ecae1' })],
    }),
  );
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('transform', `translate(0, ${curveHeight})`);
  for (const child of [...bars.childNodes]) g.appendChild(child);
  curve.appendChild(g);
  return describeSvg(
    curve,
    'Reliability diagram',
    `Positive-class bins [k/10,(k+1)/10), pooled over ${r.cases} cases (${r.voxels} voxels); ECE (positive-class, a fraction) = ${short(r.ece)}.`,
  );
}
