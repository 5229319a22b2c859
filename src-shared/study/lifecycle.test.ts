import { describe, expect, it } from 'vitest';
import { readersMayAnswer, transitionStudy } from './lifecycle';

const valid = { ok: true } as const;
const invalid = { ok: false, errors: ['1 case/source segmentation(s) missing: c1/m'], missing: [{ caseId: 'c1', sourceId: 'm' }] } as const;

describe('transitionStudy', () => {
  it('opens a valid draft and closes an open study', () => {
    expect(transitionStudy('draft', 'open', valid)).toEqual({ ok: true, state: 'open' });
    expect(transitionStudy('open', 'close', valid)).toEqual({ ok: true, state: 'closed' });
  });

  it('refuses to open an invalid set-up, passing the missing list on', () => {
    const r = transitionStudy('draft', 'open', invalid);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/c1\/m/);
      expect(r.setup).toBe(invalid);
    }
  });

  it('never reopens or re-closes, and does not close a draft', () => {
    expect(transitionStudy('closed', 'open', valid)).toMatchObject({ ok: false, message: expect.stringMatching(/only a draft/) });
    expect(transitionStudy('closed', 'close', valid).ok).toBe(false);
    expect(transitionStudy('draft', 'close', valid).ok).toBe(false);
    expect(transitionStudy('open', 'open', valid).ok).toBe(false);
  });

  it('lets readers answer only while open', () => {
    expect([readersMayAnswer('draft'), readersMayAnswer('open'), readersMayAnswer('closed')]).toEqual([false, true, false]);
  });
});
