/**
 * Volumes per label (issue 14), in place of the binary volumes under a table with several certain
 * labels: each rater's, the multi-label majority's and the model mask's voxels of each value × vv,
 * and V_soft per label (the mean of the raters' volumes, which is Σ of the label's soft reference).
 * A column per label shown by the label picker. The model's V_exp is not split: its probability
 * map is one class's.
 */
import type { CaseEvaluation, LabelBreakdown } from '../../../src-shared/evaluation/types';
import { formatMl } from '../../../src-shared/evaluation/metricCatalog';
import { LabelName, type ShownLabels } from './EvaluationLabelPicker';

interface Line {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly read: (b: LabelBreakdown) => number | null;
}

export function LabelVolumesTable({ result, shown }: { result: CaseEvaluation; shown: ShownLabels }) {
  const breakdowns = result.labels ?? [];
  const columns = shown.entries.flatMap((entry, i) =>
    shown.choice === 'all' || shown.choice === entry.value ? [{ entry, b: breakdowns[i] }] : [],
  );
  const lines: Line[] = [
    ...result.raters.map((r, i) => ({
      id: `rater-${r.name}`,
      label: r.name,
      title: 'Voxels of this label × voxel volume (uncertain voxels are no label’s)',
      read: (b: LabelBreakdown) => b.volumes.raters[i]?.ml ?? null,
    })),
    {
      id: 'majority',
      label: 'Majority',
      title: 'Voxels that a strict majority of the raters gave this label',
      read: (b) => b.volumes.majorityMl,
    },
    {
      id: 'soft',
      label: 'Soft reference V_soft',
      title: 'Σ of the label’s soft reference (mean of the raters’ one-hot masks) · vv: the mean of the raters’ volumes',
      read: (b) => b.volumes.softMl,
    },
    ...(result.model?.hasResult
      ? [
          {
            id: 'model',
            label: `Model mask (p > ${result.model.threshold})`,
            title: 'Voxels of this label in the model’s mask × voxel volume',
            read: (b: LabelBreakdown) => b.volumes.modelMl,
          },
        ]
      : []),
  ];
  return (
    <section className="metrics-section" data-testid="volumes-table" data-per-label="yes">
      <h3>Volumes per label (ml)</h3>
      <table className="metrics-table">
        <thead>
          <tr>
            <th />
            {columns.map(({ entry }) => (
              <th key={entry.value}>
                <LabelName entry={entry} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.id} data-testid={`volume-${line.id}`} title={line.title}>
              <th>{line.label}</th>
              {columns.map(({ entry, b }) => {
                const v = line.read(b);
                return (
                  <td key={entry.value} data-label={entry.value} data-value={v === null ? 'null' : String(v)}>
                    {v === null ? 'n/a' : formatMl(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
