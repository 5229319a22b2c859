/** Annotate mode: status of the own labelmap, the editing tools, radius, threshold tolerance, label, undo/redo, interpolation, save, submit, no lesion. */
import type { RaterCaseStatus } from '../../src-shared/project/types';
import { useControllers } from '../controllers/ControllersContext';
import { useAnnotationState } from '../state/annotationState';
import { EDIT_TOOL_INFO } from '../state/editToolInfo';
import { chooseLabel } from '../state/labelActions';

const STATUS_TEXT: Record<RaterCaseStatus, string> = {
  'not-started': 'Not started',
  draft: 'Draft',
  submitted: 'Submitted',
  'no-lesion': 'Submitted: no lesion',
};

export function AnnotatePanel() {
  const { annotation } = useControllers();
  const own = useAnnotationState((s) => s.own);
  const tool = useAnnotationState((s) => s.tool);
  const radiusMm = useAnnotationState((s) => s.radiusMm);
  const label = useAnnotationState((s) => s.label);
  const labels = useAnnotationState((s) => s.labels);
  const tolerance = useAnnotationState((s) => s.thresholdTolerance);
  const range = useAnnotationState((s) => s.thresholdRange);

  return (
    <div className="annotate-panel" data-testid="annotate-panel">
      <div
        data-testid="annotation-status"
        data-status={own.status}
        data-dirty={own.dirty ? 'yes' : 'no'}
        data-version={own.versionId ?? ''}
      >
        {STATUS_TEXT[own.status]}
        {own.dirty ? ' · unsaved edits' : ''}
        {own.saving ? ' · saving…' : ''}
      </div>
      {own.conflict !== null && (
        <div className="save-conflict" role="alert" data-testid="save-conflict">
          <p>This case was saved from another window or session since you started. Your edits are still here, not saved.</p>
          <button type="button" data-testid="conflict-keep-mine" onClick={() => void annotation.keepMyEdits()}>
            Keep my edits (the other version stays in the history)
          </button>
          <button type="button" data-testid="conflict-load-newer" onClick={() => void annotation.loadNewerVersion()}>
            Discard my edits and load the newer version
          </button>
        </div>
      )}
      <div className="group" role="group" aria-label="Edit tool">
        {EDIT_TOOL_INFO.map((t) => (
          <button
            key={t.tool}
            type="button"
            data-testid={`tool-${t.tool}`}
            className={tool === t.tool ? 'on' : ''}
            title={`${t.description} (${t.keyLabel})`}
            onClick={() => annotation.chooseEditTool(t.tool)}
          >
            {t.name}
          </button>
        ))}
      </div>
      <div className="group" role="group" aria-label="Brush radius">
        <button type="button" title="Smaller brush ([ or Ctrl+wheel)" onClick={() => annotation.changeBrushRadius(-0.5)}>
          −
        </button>
        <span data-testid="brush-size" data-radius-mm={radiusMm}>
          radius {radiusMm} mm
        </span>
        <button type="button" title="Larger brush (] or Ctrl+wheel)" onClick={() => annotation.changeBrushRadius(0.5)}>
          +
        </button>
      </div>
      <div className="group" role="group" aria-label="Threshold tolerance">
        <button type="button" title="Narrower threshold range" onClick={() => annotation.changeThresholdTolerance(-0.05)}>
          −
        </button>
        <span
          data-testid="threshold-tolerance"
          data-tolerance={tolerance}
          data-range-low={range?.[0] ?? ''}
          data-range-high={range?.[1] ?? ''}
          title="Threshold brush: paints voxels within the pressed voxel's value ± tolerance × window width"
        >
          ± {Math.round(tolerance * 100)}% of window{range ? ` · ${range[0].toFixed(1)}…${range[1].toFixed(1)}` : ''}
        </span>
        <button type="button" title="Wider threshold range" onClick={() => annotation.changeThresholdTolerance(0.05)}>
          +
        </button>
      </div>
      <div className="group label-picker" role="group" aria-label="Label">
        {labels.map((l, i) => (
          <button
            key={l.value}
            type="button"
            data-testid={`label-${l.value}`}
            className={label === l.value ? 'on' : ''}
            aria-pressed={label === l.value}
            title={`Paint ${l.name} (value ${l.value}${i < 9 ? `; key ${i + 1}` : ''}${l.uncertain ? '; L toggles' : ''})`}
            onClick={() => chooseLabel(l.value)}
          >
            <span className="swatch" style={{ background: l.colour }} aria-hidden="true" />
            {i < 9 ? `${i + 1} ` : ''}
            {l.name}
          </button>
        ))}
      </div>
      <div className="group" role="group" aria-label="History">
        <button type="button" data-testid="undo" title="Undo (Ctrl+Z)" onClick={() => annotation.undo()}>
          Undo
        </button>
        <button type="button" data-testid="redo" title="Redo (Ctrl+Shift+Z)" onClick={() => annotation.redo()}>
          Redo
        </button>
        <button
          type="button"
          data-testid="interpolate"
          title="Fill the empty axial slices between annotated ones by shape-based interpolation (I); one undo step"
          onClick={() => annotation.interpolate()}
        >
          Interpolate
        </button>
      </div>
      <div className="group" role="group" aria-label="Save">
        <button
          type="button"
          data-testid="save-draft"
          title="Save a draft (Ctrl+S); drafts are also saved 10 s after an edit"
          onClick={() => void annotation.saveDraft()}
        >
          Save draft
        </button>
        <button type="button" data-testid="submit-annotation" onClick={() => void annotation.submit()}>
          Submit
        </button>
        <button
          type="button"
          data-testid="no-lesion"
          title="Submit the explicit answer that this case has no lesion"
          onClick={() => void annotation.answerNoLesion()}
        >
          No lesion
        </button>
      </div>
    </div>
  );
}
