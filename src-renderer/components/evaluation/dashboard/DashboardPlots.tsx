/**
 * The four dashboard plots at fixed sizes (the screenshot test depends on them): metric vs
 * reference volume (log x, coloured by stratum), Bland–Altman of thresholded and expected volume
 * side by side on one y scale, the reliability diagram with bin counts, and box plots of
 * model–rater against rater–rater Dice.
 */
import type { DatasetCaseRow, DatasetSummary } from '../../../../src-shared/evaluation/datasetTypes';
import { agreementBoxPlot } from '../../../plots/agreementBoxPlot';
import { blandAltmanPlot, sharedDiffDomain } from '../../../plots/blandAltmanPlot';
import { metricVsVolumePlot } from '../../../plots/metricVsVolumePlot';
import { reliabilityPlot } from '../../../plots/reliabilityPlot';
import { metricColumns } from '../../../../src-shared/evaluation/metricCatalog';
import { PlotFigure } from './PlotFigure';

export const PLOT_WIDTH = 440;
export const PLOT_HEIGHT = 280;

export function DashboardPlots({
  rows,
  summary,
  metricKey,
  stem,
}: {
  rows: readonly DatasetCaseRow[];
  summary: DatasetSummary;
  metricKey: string;
  stem: string;
}) {
  const { thresholded, expected } = summary.volume;
  const yDomain = sharedDiffDomain(thresholded, expected);
  const conv = summary.convention;
  const metricLabel = metricColumns(conv)(metricKey).label;
  return (
    <div className="dash-plots" data-testid="dash-plots">
      <PlotFigure
        id="metric-volume"
        title={`${metricLabel} vs reference volume (${conv}, ${summary.comparison})`}
        note={`Strata: empty, small ≤ ${summary.strata.thresholdsMl.smallMaxMl} ml, medium ≤ ${summary.strata.thresholdsMl.mediumMaxMl} ml, large. Empty references sit on the left strip.`}
        fileStem={`${stem}-${metricKey}-vs-volume`}
        build={() =>
          metricVsVolumePlot({ rows, metricKey, metricLabel, strata: summary.strata.thresholdsMl, width: PLOT_WIDTH, height: PLOT_HEIGHT })
        }
        deps={[rows, metricKey, metricLabel, summary]}
      />
      <PlotFigure
        id="reliability"
        title="Reliability diagram (model vs majority)"
        note="ECE convention: positive-class (10 bins [k/10, (k+1)/10), p = 1 in the last), pooled over all voxels of all cases; a fraction."
        fileStem={`${stem}-reliability`}
        build={() => {
          if (!summary.reliability) throw new Error('No probability maps with a majority reference: nothing to calibrate against.');
          return reliabilityPlot({ reliability: summary.reliability, width: PLOT_WIDTH, height: PLOT_HEIGHT });
        }}
        deps={[summary]}
      />
      <PlotFigure
        id="ba-thr"
        title="Bland–Altman: thresholded volume V_thr (each model mask at its own p > t)"
        fileStem={`${stem}-bland-altman-thresholded`}
        build={() => blandAltmanPlot({ ba: thresholded, label: 'V_thr', yDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT })}
        deps={[summary]}
      />
      <PlotFigure
        id="ba-exp"
        title="Bland–Altman: expected volume V_exp = Σp·vv"
        fileStem={`${stem}-bland-altman-expected`}
        build={() => blandAltmanPlot({ ba: expected, label: 'V_exp', yDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT })}
        deps={[summary]}
      />
      <PlotFigure
        id="agreement"
        title={`Model–rater vs rater–rater Dice (${conv})`}
        fileStem={`${stem}-agreement`}
        build={() => agreementBoxPlot({ rows, convention: conv, width: PLOT_WIDTH, height: PLOT_HEIGHT })}
        deps={[rows, conv]}
      />
    </div>
  );
}
