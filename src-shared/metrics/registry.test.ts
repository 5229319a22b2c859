/**
 * The metric registry is complete and is what the results are made of: every metric has a unit and,
 * in each convention that lists it, a name and a definition; a convention's result holds a value for
 * exactly the metrics that list it (null for the others), in the registry's key order; every panel
 * entry of a convention is a registry metric that the convention defines.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Dims3, Spacing3 } from './grid';
import { emptyMask, fillBox } from './shapes';
import { METRICS, type MetricUnit } from './registry';
import { CaseContext, evaluateAll, evaluateConventions } from './conventions/index';
import { CONVENTION_SPECS } from './conventions/specs';
import { CONVENTIONS } from './conventions/types';

const UNITS: readonly MetricUnit[] = ['', 'mm', 'ml', 'lesions'];
const dims: Dims3 = [12, 12, 10];
const spacing: Spacing3 = [1, 1.5, 2];
// Two overlapping boxes, with T below both volumes: every metric is defined and measured.
const results = evaluateAll({
  ref: fillBox(emptyMask(dims), dims, [2, 2, 2], [6, 6, 6]),
  pred: fillBox(emptyMask(dims), dims, [3, 2, 2], [7, 6, 7]),
  dims,
  spacing,
  thresholdMl: 0.01,
});

describe('the metric registry', () => {
  it('gives every metric a unit and, per convention that lists it, a name and a definition', () => {
    const ids = METRICS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of METRICS) {
      expect(UNITS, m.id).toContain(m.unit);
      const listed = Object.keys(m.conventions);
      expect(listed.length, m.id).toBeGreaterThan(0);
      for (const c of listed) expect(CONVENTIONS, `${m.id}: ${c}`).toContain(c);
      if (m.kind === 'scalar') {
        for (const v of Object.values(m.conventions)) {
          expect(v.label.length, m.id).toBeGreaterThan(0);
          expect(v.definition.length, m.id).toBeGreaterThan(20);
        }
      } else if (m.kind === 'per-tolerance') {
        for (const v of Object.values(m.conventions)) {
          expect(v.label('2')).toContain('2 mm');
          expect(v.definition('2')).toContain('2 mm');
        }
      } else {
        for (const p of m.parts) {
          expect(UNITS, p.key).toContain(p.unit);
          expect(p.label.length, p.key).toBeGreaterThan(0);
          expect(p.definition.any.length, p.key).toBeGreaterThan(20);
        }
      }
    }
  });

  it("builds each convention's result from the registry: a value exactly where the convention lists the metric", () => {
    for (const c of CONVENTIONS) {
      const r = results[c] as unknown as Record<string, unknown>;
      // The result's keys are the registry's ids, in its order, after the descriptive fields.
      expect(Object.keys(r)).toEqual(['convention', 'shape', 'spacing_mm', ...METRICS.map((m) => m.id)]);
      for (const m of METRICS) {
        const listed = m.conventions[c] !== undefined;
        if (listed) expect(r[m.id], `${c}: ${m.id}`).not.toBeNull();
        else expect(r[m.id], `${c}: ${m.id}`).toBeNull();
      }
    }
  });

  it('lists in each panel only metrics the convention defines', () => {
    for (const c of CONVENTIONS) {
      const spec = CONVENTION_SPECS[c];
      expect(spec.name).toBe(c);
      for (const entry of spec.panel) {
        const [id, part] = entry.split('.');
        const m = METRICS.find((x) => x.id === id);
        expect(m, `${c}: ${entry}`).toBeDefined();
        expect(m?.conventions[c], `${c}: ${entry}`).toBeDefined();
        if (part !== undefined) expect(m?.kind === 'lesions' && m.parts.some((p) => p.key === part), `${c}: ${entry}`).toBe(true);
      }
    }
  });

  it('computes surface metrics at the default tolerances of each convention', () => {
    expect(Object.keys(results.use.surface_dice ?? {})).toEqual(CONVENTION_SPECS.use.defaultTolerancesMm.map(String));
    expect(Object.keys(results.metricsreloaded.surface_dice ?? {})).toEqual(
      CONVENTION_SPECS.metricsreloaded.defaultTolerancesMm.map(String),
    );
  });

  it('computes an expensive block only when a requested metric needs it, and once', () => {
    const input = {
      ref: fillBox(emptyMask(dims), dims, [2, 2, 2], [6, 6, 6]),
      pred: fillBox(emptyMask(dims), dims, [3, 2, 2], [7, 6, 7]),
      dims,
      spacing,
    };
    const border = vi.spyOn(CaseContext.prototype, 'borderDistances', 'get');
    const surfels = vi.spyOn(CaseContext.prototype, 'surfelDistances', 'get');
    const lesions = vi.spyOn(CaseContext.prototype, 'lesions26', 'get');
    try {
      // ISLES'22 needs the lesions, not the surfaces.
      evaluateConventions(new CaseContext(input), ['isles22']);
      expect([border.mock.calls.length, surfels.mock.calls.length, lesions.mock.calls.length]).toEqual([0, 0, 1]);
      // Under an empty rule the surfaces are not measured at all.
      evaluateConventions(new CaseContext({ ...input, pred: emptyMask(dims) }), ['use', 'metricsreloaded']);
      expect([border.mock.calls.length, surfels.mock.calls.length]).toEqual([0, 0]);
      // All three share one context: each block is asked for, and the context computes it once (its cache).
      const ctx = new CaseContext(input);
      evaluateConventions(ctx, CONVENTIONS);
      expect(border.mock.results.every((r) => r.value === ctx.borderDistances)).toBe(true);
      expect(surfels.mock.calls.length).toBeGreaterThan(0);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
