/**
 * The per-case metrics panel (issue 7, reviewer mode): a collapsible right-hand panel of the Viewer
 * workspace for reviewers and admins on a project case. Settings (convention, USE threshold,
 * surface tolerances, uncertain voxels), the metrics of one comparison, the source matrix, the
 * volumes and the lesion table (per label, with the label picker, under several certain labels). All numbers come from the metrics worker (controllers/evaluationController.ts).
 */
import { useControllers } from '../../controllers/ControllersContext';
import { useAppState } from '../../state/appState';
import { useAnnotationState } from '../../state/annotationState';
import { useEvaluationState } from './useEvaluationState';
import { ComparisonMetrics } from './ComparisonMetrics';
import { EvaluationLabelPicker } from './EvaluationLabelPicker';
import { EvaluationSettingsForm } from './EvaluationSettingsForm';
import { LesionTable } from './LesionTable';
import { SourceMatrix } from './SourceMatrix';
import { VolumesTable } from './VolumesTable';

export function MetricsPanel() {
  const { evaluation } = useControllers();
  const workspace = useAppState((s) => s.workspace);
  const signedIn = useAnnotationState((s) => s.signedIn);
  const currentCase = useAnnotationState((s) => s.currentCase);
  const expanded = useEvaluationState((s) => s.expanded);
  const status = useEvaluationState((s) => s.status);
  const error = useEvaluationState((s) => s.error);
  const result = useEvaluationState((s) => s.result);
  const notes = useEvaluationState((s) => s.notes);
  const runs = useEvaluationState((s) => s.runs);
  const heatModels = useAnnotationState((s) => s.heat.models);

  if (workspace !== 'viewer' || !signedIn || signedIn.role === 'annotator' || !currentCase) return null;
  if (!expanded) {
    return (
      <aside className="metrics-panel collapsed" data-testid="metrics-panel" data-expanded="no">
        <button
          type="button"
          data-testid="metrics-panel-toggle"
          title="Show the per-case metrics"
          onClick={() => evaluation.setPanelExpanded(true)}
        >
          Metrics ‹
        </button>
      </aside>
    );
  }
  const busy = status === 'loading' || status === 'computing';
  return (
    <aside className="metrics-panel" data-testid="metrics-panel" data-expanded="yes" data-status={status} data-runs={runs}>
      <header className="metrics-header">
        <h2>Metrics — {currentCase.name}</h2>
        <span className="muted" data-testid="metrics-status" role="status">
          {busy
            ? status === 'loading'
              ? 'loading…'
              : 'computing…'
            : result
              ? `${result.computed.ms} ms (${result.computed.comparisons} computed, ${result.computed.cached} reused)`
              : ''}
        </span>
        <button
          type="button"
          data-testid="metrics-panel-toggle"
          title="Hide the metrics panel"
          onClick={() => evaluation.setPanelExpanded(false)}
        >
          ›
        </button>
      </header>
      <EvaluationSettingsForm />
      {error && (
        <div className="annotation-message error" data-testid="metrics-error" role="alert">
          {error}
        </div>
      )}
      {heatModels > 0 && (
        <div className="muted small" data-testid="metrics-heat-differs">
          The heat map counts {heatModels} model result{heatModels === 1 ? '' : 's'} as raters, as asked; every consensus here (majority,
          V_soft, leave-one-out) is of the human raters only.
        </div>
      )}
      {notes.map((n) => (
        <div key={n} className="muted small">
          {n}
        </div>
      ))}
      {result && (
        <>
          <ComparisonMetrics result={result} />
          <EvaluationLabelPicker result={result} />
          <SourceMatrix result={result} />
          <VolumesTable result={result} />
          <LesionTable result={result} />
        </>
      )}
    </aside>
  );
}
