import { describe, expect, it } from 'vitest';
import { assertNoLeaks, findLeaks, studyIdentifiers } from './blinding';
import { countingTrialIds, pairedStudy } from './testFixtures';
import { planStudy, toReaderTrial } from './trials';

const config = pairedStudy();
const ids = studyIdentifiers(config, ['Alice Example-Smith']);

describe('studyIdentifiers', () => {
  it('collects source ids, labels, model ids and versions, rater ids and extra names', () => {
    expect(ids).toEqual(
      expect.arrayContaining(['src-demo-model', 'Demo U-Net', 'demo-unet', '2024.1', 'src-alice', 'alice', 'Alice Example-Smith']),
    );
  });
});

describe('findLeaks', () => {
  it('passes a clean reader payload: every trial of the study, as a reader list response', () => {
    const trials = planStudy(config, countingTrialIds()).filter((t) => t.readerId === 'reader-1');
    const response = {
      ok: true,
      result: {
        trials: trials.map((t) => toReaderTrial(t, config, trials.length, false)),
        overlayUrl: `/study/trial/${trials[0].trialId}/overlay/A`,
        style: { colour: '#ffcc00', thicknessPx: 2 },
      },
    };
    expect(findLeaks(response, ids)).toEqual([]);
    expect(() => assertNoLeaks(response, ids)).not.toThrow();
  });

  it('catches a planted source field, whatever its spelling', () => {
    for (const key of ['sourceId', 'source_id', 'Source-ID', 'modelId', 'raterName', 'provenance']) {
      const leaks = findLeaks({ trials: [{ trialId: 't1', [key]: 'x' }] }, ids);
      expect(leaks).toContainEqual({ path: `$.trials[0].${key}`, kind: 'forbidden-field', match: key });
    }
  });

  it('catches identifiers inside values, keys and URLs, case-insensitively', () => {
    expect(findLeaks({ note: 'segmented by DEMO-UNET' }, ids)).toContainEqual({ path: '$.note', kind: 'identifier', match: 'demo-unet' });
    expect(findLeaks({ url: '/overlays/src-alice/case-1.nii' }, ids).map((l) => l.match)).toContain('src-alice');
    expect(findLeaks({ byLabel: { 'Demo U-Net': 'A' } }, ids)).toContainEqual({
      path: '$.byLabel.Demo U-Net',
      kind: 'identifier',
      match: 'Demo U-Net',
    });
    expect(findLeaks(['model 2024.1 output'], ids).map((l) => l.match)).toContain('2024.1');
    expect(findLeaks('{"x":"Alice Example-Smith"}', ids).map((l) => l.match)).toContain('Alice Example-Smith');
  });

  it('matches short identifiers only as whole tokens', () => {
    const short = ['r1', 'AI'];
    expect(findLeaks({ trialId: 't9r1c0ffee' }, short)).toEqual([]); // r1 inside a longer token
    expect(findLeaks({ text: 'Mark the one made by AI' }, ['ai'])).toHaveLength(1); // configured "ai" as an identifier
    expect(findLeaks({ note: 'from r1' }, short)).toContainEqual({ path: '$.note', kind: 'identifier', match: 'r1' });
    expect(findLeaks({ labels: ['A', 'B'] }, ['A', 'B'])).toEqual([]); // one-character identifiers are ignored
  });

  it('survives cycles and non-JSON values', () => {
    const a: Record<string, unknown> = { n: 1, f: () => 0, u: undefined };
    a.self = a;
    expect(findLeaks(a, ids)).toEqual([]);
  });

  it('assertNoLeaks lists every finding', () => {
    expect(() => assertNoLeaks({ sourceA: 'src-alice' }, ids)).toThrow(
      // "src-alice" contains both the source id and the rater id "alice".
      /3 finding\(s\): \$\.sourceA \(forbidden-field: sourceA\); \$\.sourceA \(identifier: src-alice\); \$\.sourceA \(identifier: alice\)/,
    );
  });
});
