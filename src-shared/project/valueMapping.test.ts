import { describe, expect, it } from 'vitest';
import { labelValueSet } from './labels';
import { applyValueMapping, maskValueCounts, MAX_DISTINCT_VALUES, unknownValues, valueMappingFrom } from './valueMapping';

const STROKE = labelValueSet([1, 2]);

describe('value mapping', () => {
  it('counts distinct values of any voxel type, bounded for files that are not masks', () => {
    expect(maskValueCounts(Float32Array.from([0, 0, 1, 2.5, 300, 2.5]))).toEqual({
      values: [
        { value: 0, voxels: 2 },
        { value: 1, voxels: 1 },
        { value: 2.5, voxels: 2 },
        { value: 300, voxels: 1 },
      ],
      unlisted: 0,
    });
    const ramp = Float32Array.from({ length: 100 }, (_, i) => i + 0.5);
    const { values, unlisted } = maskValueCounts(ramp);
    expect(values).toHaveLength(MAX_DISTINCT_VALUES);
    expect(unlisted).toBe(100 - MAX_DISTINCT_VALUES);
  });

  it('maps named values, passes table values, and names the rest as unknown', () => {
    const parsed = valueMappingFrom(
      [
        { from: 300, to: 1 },
        { from: 3, to: 0 },
      ],
      STROKE,
    );
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const data = Int16Array.from([0, 300, 3, 2, 7]);
    expect(unknownValues(maskValueCounts(data).values, parsed.mapping, STROKE)).toEqual([{ value: 7, voxels: 1 }]);
    expect(applyValueMapping(Int16Array.from([0, 300, 3, 2]), parsed.mapping)).toEqual({
      labelmap: Uint8Array.from([0, 1, 0, 2]),
      changed: true,
    });
    expect(applyValueMapping(Uint8Array.from([0, 1, 2]), parsed.mapping).changed).toBe(false);
  });

  it('refuses a target outside the table and a value mapped twice', () => {
    expect(
      valueMappingFrom(
        [
          { from: 3, to: 5 },
          { from: 3, to: 1 },
        ],
        STROKE,
      ),
    ).toEqual({
      ok: false,
      problems: ['file value 3 is mapped to 5, which is not in the label table {0, 1, 2}', 'file value 3 is mapped twice'],
    });
  });
});
