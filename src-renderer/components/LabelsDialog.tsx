/**
 * The admin's label table (issue 14): each label's value, name, colour and whether it is the
 * "uncertain" one, in picker order (keys 1–9), a preset to start from, and Save. The rules are the
 * shared ones (labelTableProblems), shown as the table is edited; the server checks them again and
 * refuses to drop a value that annotations hold, and its reason is shown here, nothing changed.
 */
import { useState } from 'react';
import {
  LABEL_NAME_MAX,
  LABEL_PRESETS,
  labelTableProblems,
  type LabelEntry,
  type LabelPresetId,
} from '../../src-shared/project/labelTable';
import { useAnnotationState } from '../state/annotationState';
import { saveLabels } from '../state/labelActions';
import { DialogFrame } from './DialogFrame';

/** A new row: the next free value, a colour the table does not use yet where one is left. */
function newEntry(rows: readonly LabelEntry[]): LabelEntry {
  const value = Math.min(255, Math.max(0, ...rows.map((r) => r.value)) + 1);
  return { value, name: `Label ${value}`, colour: '#cc79a7', uncertain: false };
}

function LabelsBody({ onClose }: { onClose(): void }) {
  const saved = useAnnotationState((s) => s.labels);
  const [rows, setRows] = useState<readonly LabelEntry[]>(saved);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const problems = labelTableProblems(rows);

  const change = (i: number, patch: Partial<LabelEntry>) => {
    setRefusal(null);
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : patch.uncertain ? { ...r, uncertain: false } : r)));
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...rows];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    setRows(next);
  };
  const save = async () => {
    setSaving(true);
    const why = await saveLabels(rows);
    setSaving(false);
    if (why === null) onClose();
    else setRefusal(why);
  };

  return (
    <DialogFrame label="Labels" className="labels" testId="labels-dialog" onClose={onClose}>
      <h2>Labels</h2>
      <label>
        Start from a preset{' '}
        <select
          data-testid="labels-preset"
          value=""
          onChange={(e) => {
            setRefusal(null);
            setRows(LABEL_PRESETS[e.target.value as LabelPresetId].labels);
          }}
        >
          <option value="" disabled>
            choose…
          </option>
          {Object.entries(LABEL_PRESETS).map(([id, p]) => (
            <option key={id} value={id}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      <table className="labels-table">
        <thead>
          <tr>
            <th>Key</th>
            <th>Value</th>
            <th>Name</th>
            <th>Colour</th>
            <th>Uncertain</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid={`labels-row-${i}`}>
              <td>{i < 9 ? i + 1 : ''}</td>
              <td>
                <input
                  type="number"
                  min={1}
                  max={255}
                  aria-label={`Value of label ${i + 1}`}
                  value={r.value}
                  onChange={(e) => change(i, { value: Number(e.target.value) })}
                />
              </td>
              <td>
                <input
                  type="text"
                  maxLength={LABEL_NAME_MAX}
                  aria-label={`Name of label ${i + 1}`}
                  value={r.name}
                  onChange={(e) => change(i, { name: e.target.value })}
                />
              </td>
              <td>
                <input
                  type="color"
                  aria-label={`Colour of label ${i + 1}`}
                  value={r.colour}
                  onChange={(e) => change(i, { colour: e.target.value })}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Label ${i + 1} means uncertain`}
                  checked={r.uncertain}
                  onChange={(e) => change(i, { uncertain: e.target.checked })}
                />
              </td>
              <td>
                <button type="button" title="Move up" aria-label={`Move label ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button
                  type="button"
                  title="Move down"
                  aria-label={`Move label ${i + 1} down`}
                  disabled={i === rows.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button type="button" aria-label={`Remove label ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid="labels-add" disabled={rows.length >= 255} onClick={() => setRows([...rows, newEntry(rows)])}>
        Add label
      </button>
      {problems.length > 0 && (
        <ul className="model-error" data-testid="labels-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {refusal && (
        <p className="model-error" role="alert" data-testid="labels-refusal">
          {refusal}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="labels-save" disabled={problems.length > 0 || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save labels'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </DialogFrame>
  );
}

/** The admin's "Labels…" button in the annotation section and, while open, the dialog. */
export function LabelsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="labels-open" onClick={() => setOpen(true)}>
        Labels…
      </button>
      {open && <LabelsBody onClose={() => setOpen(false)} />}
    </>
  );
}
