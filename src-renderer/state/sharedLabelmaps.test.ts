import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluationOptions } from '../../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerRequest } from '../../src-shared/evaluation/workerProtocol';
import { shareVersionLabelmap, sharedVersionLabelmap } from './sharedLabelmaps';

const isolated = (value: boolean | undefined) => Object.defineProperty(globalThis, 'crossOriginIsolated', { value, configurable: true });

describe('shared version labelmaps', () => {
  afterEach(() => isolated(undefined));

  it('keeps one shared copy per version, which the review and the metrics worker both get', () => {
    isolated(true);
    const decoded = Uint8Array.from([0, 1, 2, 1]);
    const shared = shareVersionLabelmap('v-shared', decoded, decoded.length);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared)).toEqual(Array.from(decoded));
    // A second load of the same version (the metrics panel after the review) finds it without decoding…
    expect(sharedVersionLabelmap('v-shared')).toBe(shared);
    // …and one that raced and decoded anyway gets the first copy, so its own is garbage.
    expect(shareVersionLabelmap('v-shared', decoded.slice(), decoded.length)).toBe(shared);
    // Handed to the worker, it is not transferred (which would detach the layer's voxels) but shared.
    const request: MetricsWorkerRequest = {
      type: 'updateRater',
      id: 'm1',
      caseId: 'c',
      rater: { id: 'r', name: 'R', labelmap: shared, key: 'v-shared' },
      options: {} as EvaluationOptions,
    };
    expect(transferablesOf(request)).toEqual([]);
  });

  it('without cross-origin isolation gives the caller its own array and keeps nothing', () => {
    isolated(false);
    const decoded = Uint8Array.from([1, 0]);
    expect(shareVersionLabelmap('v-alone', decoded, decoded.length)).toBe(decoded);
    expect(sharedVersionLabelmap('v-alone')).toBeNull();
  });
});
