import { describe, expect, it } from 'vitest';
import { raterColorIndices } from './raterColors';

describe('raterColorIndices', () => {
  const alice = { raterId: 'rater-b', name: 'Zoe', createdAt: '2026-01-01T10:00:00.000Z' };
  const model = { raterId: 'rater-m', name: 'Demo model (model)', createdAt: '2026-01-02T10:00:00.000Z' };
  const early = { raterId: 'rater-a', name: 'Aaron', createdAt: '2026-01-01T10:00:00.000Z' };

  it('orders raters by creation, ties by id, whatever order the list comes in', () => {
    const indices = raterColorIndices([model, alice, early]);
    expect([...indices.entries()]).toEqual([
      ['rater-a', 0],
      ['rater-b', 1],
      ['rater-m', 2],
    ]);
  });

  it('keeps a rater’s index when a later rater (the model) joins', () => {
    const before = raterColorIndices([alice, early]);
    const after = raterColorIndices([model, alice, early]);
    expect(after.get(alice.raterId)).toBe(before.get(alice.raterId));
    expect(after.get(early.raterId)).toBe(before.get(early.raterId));
  });
});
