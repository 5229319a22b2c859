/**
 * The metrics panel's label selector (issue 14): under a table with several certain labels, which
 * label the source matrix, the volumes and the lesion table show, or all of them (every label's
 * volumes and lesions, the matrix's mean over labels). One choice for the three, kept in
 * evaluationState; names and colours come from the project's table.
 */
import type { CaseEvaluation } from '../../../src-shared/evaluation/types';
import { useControllers } from '../../controllers/ControllersContext';
import { useAnnotationState } from '../../state/annotationState';
import { shownLabel, type LabelChoice } from '../../state/evaluationState';
import { useEvaluationState } from './useEvaluationState';

export interface ShownLabelEntry {
  readonly value: number;
  readonly name: string;
  readonly colour: string;
}

export interface ShownLabels {
  readonly choice: LabelChoice;
  /** Every label the result holds, in table order. */
  readonly entries: readonly ShownLabelEntry[];
}

/** The labels the result was computed for, named from the table, and the choice in force; null without per-label results. */
export function useShownLabels(result: CaseEvaluation): ShownLabels | null {
  const table = useAnnotationState((s) => s.labels);
  const choice = useEvaluationState((s) => s.settings.label);
  if (!result.labels) return null;
  const entries = result.labels.map(({ label }) => {
    const e = table.find((l) => l.value === label);
    return { value: label, name: e?.name ?? `label ${label}`, colour: e?.colour ?? '#888888' };
  });
  return {
    choice: shownLabel(
      choice,
      entries.map((e) => e.value),
    ),
    entries,
  };
}

export function LabelName({ entry }: { entry: ShownLabelEntry }) {
  return (
    <>
      <span className="swatch" style={{ background: entry.colour }} aria-hidden="true" />
      {entry.name}
    </>
  );
}

export function EvaluationLabelPicker({ result }: { result: CaseEvaluation }) {
  const { evaluation } = useControllers();
  const shown = useShownLabels(result);
  if (!shown) return null;
  return (
    <label className="metrics-label-picker" title="The label the matrix, the volumes and the lesion table show">
      Label{' '}
      <select
        data-testid="metrics-label"
        value={String(shown.choice)}
        onChange={(e) => evaluation.changeSettings({ label: e.target.value === 'all' ? 'all' : Number(e.target.value) })}
      >
        {shown.entries.map((e) => (
          <option key={e.value} value={e.value}>
            {e.name}
          </option>
        ))}
        <option value="all">All labels (matrix: mean over labels)</option>
      </select>
    </label>
  );
}
