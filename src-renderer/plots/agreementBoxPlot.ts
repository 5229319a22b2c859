/**
 * Box plots of model–rater Dice next to rater–rater Dice over the dataset: whether the model sits
 * inside the inter-rater spread. NaN values (undefined under the convention) are left out and counted.
 */
import * as Plot from '@observablehq/plot';
import type { DatasetCaseRow } from '../../src-shared/evaluation/datasetTypes';
import { asSvg, describeSvg, PLOT_STYLE, type PlotSize } from './plotStyle';

interface Value {
  readonly group: string;
  readonly dice: number;
}

const MODEL_RATER = 'model–rater';
const RATER_RATER = 'rater–rater';

function agreementValues(rows: readonly DatasetCaseRow[]): { values: Value[]; nan: number } {
  const values: Value[] = [];
  let nan = 0;
  for (const r of rows) {
    for (const [group, list] of [
      [MODEL_RATER, r.modelRaterDice],
      [RATER_RATER, r.raterRaterDice],
    ] as const) {
      for (const d of list) {
        if (Number.isFinite(d)) values.push({ group, dice: d });
        else nan++;
      }
    }
  }
  return { values, nan };
}

export function agreementBoxPlot(
  input: PlotSize & { readonly rows: readonly DatasetCaseRow[]; readonly convention: string },
): SVGSVGElement {
  const { values, nan } = agreementValues(input.rows);
  const svg = Plot.plot({
    width: input.width,
    height: input.height,
    style: PLOT_STYLE,
    marginLeft: 48,
    x: { domain: [MODEL_RATER, RATER_RATER], label: null },
    y: { domain: [0, 1], label: `↑ Dice (${input.convention})`, grid: true },
    marks: [
      Plot.boxY(values, { x: 'group', y: 'dice', fill: '#cfe3f2', stroke: '#0072B2' }),
      Plot.text([`${nan} NaN left out`], { frameAnchor: 'bottom-right', dx: -4, dy: -4, textAnchor: 'end', fill: '#666666' }),
    ],
  });
  return describeSvg(
    asSvg(svg),
    'Model–rater vs rater–rater agreement',
    `Dice under ${input.convention}: model against each rater, and each pair of raters, over all cases; ${nan} NaN values left out.`,
  );
}
