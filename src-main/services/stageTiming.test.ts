import { describe, expect, it } from 'vitest';
import { collectStageTimings, recordStage, serverTimingHeader, timeStage, timeStageAsync } from './stageTiming';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stage timings', () => {
  it('records nothing outside a collection and still returns the result', () => {
    expect(timeStage('read', () => 42)).toBe(42);
  });

  it('keeps two concurrent collections apart', async () => {
    const a = collectStageTimings(async () => {
      await tick(5);
      recordStage('a', 1);
      return 'A';
    });
    const b = collectStageTimings(async () => {
      recordStage('b', 2);
      await tick(1);
      return timeStageAsync('slow', () => tick(20).then(() => 'B'));
    });
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual({ result: 'A', stages: [{ name: 'a', ms: 1 }] });
    expect(rb.result).toBe('B');
    expect(rb.stages.map((s) => s.name)).toEqual(['b', 'slow']);
    // setTimeout may fire a little early on some hosts, never much.
    expect(rb.stages[1].ms).toBeGreaterThanOrEqual(15);
  });

  it('records a stage that throws, and rethrows', async () => {
    const { stages } = await collectStageTimings(async () => {
      expect(() =>
        timeStage('parse', () => {
          throw new Error('bad');
        }),
      ).toThrow('bad');
    });
    expect(stages.map((s) => s.name)).toEqual(['parse']);
  });

  it('writes a Server-Timing header, summing repeated names', () => {
    expect(
      serverTimingHeader([
        { name: 'range', ms: 1.25 },
        { name: 'read', ms: 10 },
        { name: 'range', ms: 2 },
      ]),
    ).toBe('range;dur=3.3, read;dur=10.0');
  });
});
