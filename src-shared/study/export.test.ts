import { describe, expect, it } from 'vitest';
import type { StoredAnswer } from './answers';
import { answersToCsv, csvField, studyConfigFromJson, studyConfigToJson } from './export';
import { countingTrialIds, pairedStudy } from './testFixtures';
import { planStudy } from './trials';

const config = pairedStudy({ caseIds: ['case-1', 'case-2'], readerIds: ['reader-1'] });
const trials = planStudy(config, countingTrialIds());

function stored(i: number, extra: Partial<StoredAnswer>): StoredAnswer {
  return {
    trialId: trials[i].trialId,
    readerId: 'reader-1',
    preference: 'B',
    acceptability: { A: 2, B: 5 },
    aiChoice: 'A',
    startedAt: `2025-01-02T10:0${i}:00.000Z`,
    submittedAt: `2025-01-02T10:0${i}:42.500Z`,
    timeTakenMs: 42_500,
    revision: 0,
    ...extra,
  };
}

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
  });
});

describe('answersToCsv', () => {
  it('writes one row per answer, in position order, with sources, timestamps and time taken', () => {
    // Answers given out of order; the second has a comment that needs quoting.
    const answers = [stored(1, { comment: 'edge, "too" tight' }), stored(0, {})];
    const csv = answersToCsv(config, 'closed', trials, answers);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4); // header, two rows, trailing empty
    expect(lines[3]).toBe('');
    const header = lines[0].split(',');
    expect(header).toContain('time_taken_ms');
    const col = (name: string): number => header.indexOf(name);
    const row0 = lines[1].split(',');
    expect(row0[col('trial_id')]).toBe(trials[0].trialId);
    expect(row0[col('position')]).toBe('0');
    // B preferred → the source shown as B; A picked as AI → the source shown as A.
    expect(row0[col('preferred_source')]).toBe(trials[0].sourceB);
    expect(row0[col('ai_picked_source')]).toBe(trials[0].sourceA);
    expect(row0[col('ai_correct')]).toBe(String(trials[0].sourceA === 'src-demo-model'));
    expect(row0[col('started_at')]).toBe('2025-01-02T10:00:00.000Z');
    expect(row0[col('submitted_at')]).toBe('2025-01-02T10:00:42.500Z');
    expect(row0[col('time_taken_ms')]).toBe('42500');
    expect(lines[2]).toContain('"edge, ""too"" tight"');
  });

  it('writes the "made by AI?" confidence rating, and the side it leans to as the pick', () => {
    const rated = { ...config, questions: { ...config.questions, whichIsAi: 'confidence' as const } };
    const answers = [stored(0, { aiChoice: undefined, aiRating: 4 }), stored(1, { aiChoice: undefined, aiRating: 3 })];
    const lines = answersToCsv(rated, 'closed', trials, answers).split('\r\n');
    const header = lines[0].split(',');
    const col = (name: string): number => header.indexOf(name);
    const [row0, row1] = [lines[1].split(','), lines[2].split(',')];
    expect(row0[col('ai_rating')]).toBe('4');
    expect(row0[col('ai_choice')]).toBe('');
    // 4 leans to B ("probably B"); 3 ("cannot tell") picks nothing.
    expect(row0[col('ai_picked_source')]).toBe(trials[0].sourceB);
    expect(row1[col('ai_rating')]).toBe('3');
    expect(row1[col('ai_picked_source')]).toBe('');
  });

  it('refuses to export answers (and so the mapping) before the study is closed', () => {
    expect(() => answersToCsv(config, 'open', trials, [])).toThrow(/only after it is closed/);
  });
});

describe('study configuration JSON', () => {
  it('records the seed and reproduces every trial after a round trip', () => {
    const json = studyConfigToJson(config);
    expect(JSON.parse(json)).toMatchObject({ format: 'quorum-reader-study-config', study: { seed: 'seed-42' } });
    const back = studyConfigFromJson(json);
    expect(back).toEqual(config);
    expect(planStudy(back, countingTrialIds())).toEqual(trials);
  });

  it('refuses other formats, another randomisation algorithm, and broken studies', () => {
    expect(() => studyConfigFromJson('{')).toThrow(/not valid JSON/);
    expect(() => studyConfigFromJson('{"format":"x"}')).toThrow(/not a Quorum reader-study configuration/);
    const doc = JSON.parse(studyConfigToJson(config)) as Record<string, unknown>;
    expect(() => studyConfigFromJson(JSON.stringify({ ...doc, randomisation: 'other/2' }))).toThrow(/would not be reproduced/);
    expect(() => studyConfigFromJson(JSON.stringify({ ...doc, study: { ...config, seed: '' } }))).toThrow(/seed/);
  });
});
