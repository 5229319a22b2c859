/**
 * "Value in file → label" (issue 14): one row per value an import's files hold, with its voxel
 * count, and a choice of the project's labels (in their colours) or background. A value the label
 * table has starts as itself; any other value starts unchosen, and the import waits until each is
 * chosen. Only values that move are sent (mappingEntries), so an untouched table sends nothing.
 */
import type { LabelTable } from '../../src-shared/project/labelTable';
import type { ValueMappingEntries } from '../../src-shared/project/valueMapping';
import type { FoundValue } from '../state/exchangeActions';

/** File value → chosen label value (0 = background), or null while unchosen. */
export type ValueChoices = ReadonlyMap<number, number | null>;

export function initialChoices(found: readonly FoundValue[], labels: LabelTable): ValueChoices {
  return new Map(found.map(({ value }) => [value, labels.some((l) => l.value === value) ? value : null]));
}

export function allChosen(choices: ValueChoices): boolean {
  return [...choices.values()].every((c) => c !== null);
}

export function mappingEntries(choices: ValueChoices): ValueMappingEntries {
  return [...choices.entries()].flatMap(([from, to]) => (to === null || to === from ? [] : [{ from, to }]));
}

export function ValueMappingTable(props: {
  found: readonly FoundValue[];
  labels: LabelTable;
  choices: ValueChoices;
  onChange: (choices: ValueChoices) => void;
  testId: string;
}) {
  const { found, labels, choices, onChange, testId } = props;
  const choose = (value: number, to: string) => onChange(new Map(choices).set(value, to === '' ? null : Number(to)));
  return (
    <table className="value-mapping" data-testid={testId}>
      <thead>
        <tr>
          <th>Value in file</th>
          <th>Voxels</th>
          <th>Label</th>
        </tr>
      </thead>
      <tbody>
        {found.map(({ value, voxels, files }) => {
          const chosen = choices.get(value) ?? null;
          const colour = labels.find((l) => l.value === chosen)?.colour;
          return (
            <tr key={value} data-value={value}>
              <td>{value}</td>
              <td title={`in ${files} file(s)`}>{voxels}</td>
              <td>
                <span
                  aria-hidden="true"
                  style={{ display: 'inline-block', width: 10, height: 10, marginRight: 6, background: colour ?? 'transparent' }}
                />
                <select
                  aria-label={`Label for value ${value}`}
                  data-testid={`${testId}-choice`}
                  data-value={value}
                  value={chosen === null ? '' : String(chosen)}
                  onChange={(e) => choose(value, e.target.value)}
                >
                  {chosen === null && <option value="">— choose —</option>}
                  {labels.map((l) => (
                    <option key={l.value} value={l.value}>
                      {l.value} {l.name}
                    </option>
                  ))}
                  <option value="0">0 background</option>
                </select>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
