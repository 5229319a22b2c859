/**
 * Column tooltips for the dashboard: the conventions document's definitions from the per-case
 * panel's catalogue (src-shared/evaluation/metricCatalog.ts), keyed by the dashboard's dotted
 * metric keys ('surface_dice:2' → 'surface_dice.2', 'lesion_f1' → 'lesions.f1'), with the unit.
 */
import { metricRows } from '../../../../src-shared/evaluation/metricCatalog';
import type { ConventionName } from '../../../../src-shared/evaluation/types';

function dashboardKey(id: string): string {
  if (id === 'lesion_f1') return 'lesions.f1';
  return id.replace(':', '.');
}

export function metricDefinitions(convention: ConventionName): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const m of metricRows(convention)) out.set(dashboardKey(m.id), `${m.label}${m.unit ? ` (${m.unit})` : ''}: ${m.definition}`);
  return out;
}
