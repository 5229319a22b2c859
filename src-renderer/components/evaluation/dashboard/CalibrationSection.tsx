/**
 * The Dashboard's Calibration section (issue 17, reviewers and admins): fit a recalibration of the
 * project's model on its reviewed cases with k-fold cross-validation by case (in a worker, with
 * progress), show each fold and the pooled result before and after, Bland–Altman of the expected
 * volume before and after, and save the fit as a new model version.
 */
import { useState } from 'react';
import type { BeforeAfter, CrossValidationReport, SoftmaxCrossValidationReport } from '../../../../src-shared/calibration/crossValidation';
import type { Recalibration } from '../../../../src-shared/calibration/recalibration';
import type { SetMetrics } from '../../../../src-shared/calibration/report';
import type { SoftmaxRecalibration } from '../../../../src-shared/calibration/softmax';
import type { SoftmaxSetMetrics } from '../../../../src-shared/calibration/softmaxReport';
import type { CalibrationRegion } from '../../../../src-shared/calibration/reviewedCase';
import { blandAltman } from '../../../../src-shared/evaluation/datasetAgreement';
import { blandAltmanPlot, sharedDiffDomain } from '../../../plots/blandAltmanPlot';
import { useControllers, useStoreState } from '../../../controllers/ControllersContext';
import type { CalibrationMethod } from '../../../state/calibrationState';
import { fmt } from './format';
import { PLOT_HEIGHT, PLOT_WIDTH } from './DashboardPlots';
import { PlotFigure } from './PlotFigure';

function describe(c: Recalibration | SoftmaxRecalibration): string {
  switch (c.kind) {
    case 'temperature':
      return `T = ${fmt(c.temperature)}`;
    case 'class-temperatures':
      return c.labels.map((l, i) => `T ${l} = ${fmt(c.temperatures[i])}`).join(', ');
    case 'platt':
      return `a = ${fmt(c.a)}, b = ${fmt(c.b)}`;
    case 'isotonic':
      return `${c.x.length} knots`;
  }
}

type Columns<M> = ReadonlyArray<readonly [string, (m: M) => number]>;

const BINARY_COLUMNS: Columns<SetMetrics> = [
  ['ECE positive-class', (m) => m.ece['positive-class']],
  ['ECE top-label (%)', (m) => m.ece['top-label']],
  ['ECE metricsreloaded', (m) => m.ece.metricsreloaded],
  ['Brier', (m) => m.brier],
  ['NLL (nats/voxel)', (m) => m.nll],
  ['Dice p > 0.5', (m) => m.dice],
  ['mean V_exp − V_ref (ml)', (m) => m.meanExpMinusRefMl],
  ['mean V_thr − V_ref (ml)', (m) => m.meanThrMinusRefMl],
];

/** Multi-class metrics (softmaxReport.ts), then Dice and the volume errors of each foreground class. */
function softmaxColumns(labels: readonly string[]): Columns<SoftmaxSetMetrics> {
  const perClass = labels.slice(1).flatMap((label, i): Columns<SoftmaxSetMetrics> => {
    const c = i + 1;
    return [
      [`Dice ${label} (argmax)`, (m) => m.dice[c]],
      [`mean V_exp − V_ref ${label} (ml)`, (m) => m.meanExpMinusRefMl[c]],
      [`mean V_thr − V_ref ${label} (ml)`, (m) => m.meanThrMinusRefMl[c]],
    ];
  });
  return [
    ['ECE top-label (%)', (m) => m.ece['top-label']],
    ['ECE classwise', (m) => m.ece.classwise],
    ['Brier (Σ over classes)', (m) => m.brier],
    ['NLL (nats/voxel)', (m) => m.nll],
    ...perClass,
  ];
}

interface RowsProps<M> {
  label: string;
  cases: string;
  fit: string;
  r: BeforeAfter<M>;
  columns: Columns<M>;
  testId: string;
}

function Rows<M>({ label, cases, fit, r, columns, testId }: RowsProps<M>) {
  return (
    <>
      <tr data-testid={testId} data-when="before">
        <td rowSpan={2}>{label}</td>
        <td rowSpan={2}>{cases}</td>
        <td rowSpan={2}>{fit}</td>
        <td>before</td>
        {columns.map(([name, get]) => (
          <td key={name}>{fmt(get(r.before))}</td>
        ))}
      </tr>
      <tr data-testid={testId} data-when="after">
        <td>after</td>
        {columns.map(([name, get]) => (
          <td key={name}>{fmt(get(r.after))}</td>
        ))}
      </tr>
    </>
  );
}

/** Per case: V_exp and V_ref of the lesion (a softmax model's first foreground class), in ml. */
type VolumeRow = { readonly caseId: string; readonly expMl: number; readonly refMl: number };

function expectedVolumeBa(rows: readonly VolumeRow[]) {
  return blandAltman(
    rows.map((c) => c.caseId),
    rows.map((c) => c.expMl),
    rows.map((c) => c.refMl),
  );
}

function lesionVolumes(report: CrossValidationReport | SoftmaxCrossValidationReport, when: 'before' | 'after'): readonly VolumeRow[] {
  if (report.activation === 'softmax')
    return report.pooled[when].cases.map((c) => ({ caseId: c.caseId, expMl: c.expMl[1], refMl: c.refMl[1] }));
  return report.pooled[when].cases;
}

function Table<M>({
  perFold,
  pooled,
  calibration,
  columns,
}: {
  perFold: readonly (BeforeAfter<M> & { fold: number; heldOut: readonly string[]; calibration: Recalibration | SoftmaxRecalibration })[];
  pooled: BeforeAfter<M>;
  calibration: Recalibration | SoftmaxRecalibration;
  columns: Columns<M>;
}) {
  return (
    <div className="dash-table-scroll">
      <table className="dash-table" data-testid="calib-folds">
        <thead>
          <tr>
            <th>fold</th>
            <th>held-out cases</th>
            <th>fit</th>
            <th />
            {columns.map(([name]) => (
              <th key={name}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {perFold.map((f) => (
            <Rows
              key={f.fold}
              label={String(f.fold + 1)}
              cases={f.heldOut.join(', ')}
              fit={describe(f.calibration)}
              r={f}
              columns={columns}
              testId="calib-fold"
            />
          ))}
          <Rows
            label="pooled"
            cases="every case, held out"
            fit={`all cases: ${describe(calibration)}`}
            r={pooled}
            columns={columns}
            testId="calib-pooled"
          />
        </tbody>
      </table>
    </div>
  );
}

function Report({ report }: { report: CrossValidationReport | SoftmaxCrossValidationReport }) {
  const before = expectedVolumeBa(lesionVolumes(report, 'before'));
  const after = expectedVolumeBa(lesionVolumes(report, 'after'));
  const yDomain = sharedDiffDomain(before, after);
  const lesion = report.activation === 'softmax' ? ` of ${report.labels[1]}` : '';
  return (
    <>
      {report.activation === 'softmax' ? (
        <Table perFold={report.perFold} pooled={report.pooled} calibration={report.calibration} columns={softmaxColumns(report.labels)} />
      ) : (
        <Table perFold={report.perFold} pooled={report.pooled} calibration={report.calibration} columns={BINARY_COLUMNS} />
      )}
      <div className="dash-plots">
        <PlotFigure
          id="calib-ba-before"
          title={`Bland–Altman: V_exp${lesion} before recalibration`}
          fileStem="quorum-calibration-bland-altman-before"
          build={() => blandAltmanPlot({ ba: before, label: 'V_exp before', yDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT })}
          deps={[report]}
        />
        <PlotFigure
          id="calib-ba-after"
          title={`Bland–Altman: V_exp${lesion} after recalibration (each case under the fold that held it out)`}
          fileStem="quorum-calibration-bland-altman-after"
          build={() => blandAltmanPlot({ ba: after, label: 'V_exp after', yDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT })}
          deps={[report]}
        />
      </div>
    </>
  );
}

export function CalibrationSection() {
  const { calibration } = useControllers();
  const settings = useStoreState(calibration.store, (s) => s.settings);
  const progress = useStoreState(calibration.store, (s) => s.progress);
  const report = useStoreState(calibration.store, (s) => s.report);
  const model = useStoreState(calibration.store, (s) => s.model);
  const message = useStoreState(calibration.store, (s) => s.message);
  const rerun = useStoreState(calibration.store, (s) => s.rerun);
  const logitsUsed = useStoreState(calibration.store, (s) => s.logitsUsed);
  const [version, setVersion] = useState('');
  const running = (progress !== null || rerun !== null) && report === null && !message?.error;
  return (
    <section className="dash-calibration" data-testid="calibration">
      <h3>Calibration</h3>
      <p className="muted">
        Fits a recalibration of the model's logits on the reviewed cases by minimum NLL, cross-validated by case, so that the expected
        volume Σp is unbiased. The logits come from re-running the model on each case (exact, one inference per case) or from the stored p ×
        255 maps (at once, but clipped at |z| ≈ 6.2).
      </p>
      <div className="dash-row">
        <label>
          method
          <select
            data-testid="calib-method"
            value={settings.method}
            onChange={(e) => calibration.setSettings({ method: e.target.value as CalibrationMethod })}
          >
            <option value="temperature">temperature scaling</option>
            <option value="class-temperatures">a temperature per class (softmax)</option>
            <option value="platt">Platt scaling</option>
            <option value="isotonic">isotonic regression</option>
          </select>
        </label>
        <label>
          logits
          <select
            data-testid="calib-logits"
            value={settings.logits}
            onChange={(e) =>
              calibration.setSettings({ logits: e.target.value === 'stored-probability-map' ? 'stored-probability-map' : 'model-rerun' })
            }
          >
            <option value="model-rerun">re-run the model (float logits)</option>
            <option value="stored-probability-map">stored p × 255 maps</option>
          </select>
        </label>
        <label>
          reference
          <select
            data-testid="calib-reference"
            value={settings.reference}
            onChange={(e) => calibration.setSettings({ reference: e.target.value === 'soft' ? 'soft' : 'majority' })}
          >
            <option value="majority">raters' majority</option>
            <option value="soft">soft reference</option>
          </select>
        </label>
        <label>
          region
          <select
            data-testid="calib-region"
            value={settings.region}
            onChange={(e) => calibration.setSettings({ region: e.target.value as CalibrationRegion })}
          >
            <option value="model-or-rater">voxels the model or a rater marked</option>
            <option value="whole-image">whole image</option>
          </select>
        </label>
        <label>
          folds
          <input
            type="number"
            min={2}
            max={20}
            className="dash-count"
            data-testid="calib-folds-count"
            value={settings.folds}
            onChange={(e) => calibration.setSettings({ folds: Math.max(2, Math.min(20, Math.round(Number(e.target.value)) || 2)) })}
          />
        </label>
        <label title="A re-run costs one inference per case: fit on the first N reviewed cases only (empty: all)">
          at most
          <input
            type="number"
            min={2}
            className="dash-count"
            data-testid="calib-max-cases"
            placeholder="all"
            value={settings.maxCases ?? ''}
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              calibration.setSettings({ maxCases: e.target.value === '' || !(n >= 2) ? null : n });
            }}
          />
          cases
        </label>
        <button type="button" data-testid="calib-fit" disabled={running} onClick={() => void calibration.fit()}>
          Fit
        </button>
        {running && (
          <button type="button" data-testid="calib-cancel" onClick={() => calibration.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {rerun && (
        <div className="dash-progress-line">
          <progress data-testid="calib-rerun-progress" max={1} value={rerun.fraction} />
          <span data-testid="calib-rerun-text">
            re-running the model: case {rerun.caseIndex + 1} / {rerun.cases}, {Math.round(100 * rerun.fraction)}%
          </span>
        </div>
      )}
      {progress && (
        <div className="dash-progress-line">
          <progress data-testid="calib-progress" max={progress.total} value={progress.done} />
          <span>
            {progress.done} / {progress.total} fits
          </span>
        </div>
      )}
      {message && (
        <p className={message.error ? 'error-text' : 'muted'} data-testid="calib-message">
          {message.text}
        </p>
      )}
      {report && model && (
        <>
          <p className="muted">
            {model.id}@{model.version}, {report.method}, {report.folds} folds (seed {report.seed}), on{' '}
            <span data-testid="calib-logits-used">
              {logitsUsed === 'model-rerun' ? "the model's float logits (re-run)" : 'the stored p × 255 maps'}
            </span>
            .
          </p>
          <Report report={report} />
          <div className="dash-row">
            <label>
              new version
              <input
                data-testid="calib-version"
                value={version}
                placeholder={`${model.version}-calibrated`}
                onChange={(e) => setVersion(e.target.value)}
              />
            </label>
            <button
              type="button"
              data-testid="calib-save"
              disabled={!model.key}
              onClick={() => void calibration.saveCalibratedVersion(version.trim() || `${model.version}-calibrated`)}
            >
              Save as a new model version
            </button>
          </div>
        </>
      )}
    </section>
  );
}
