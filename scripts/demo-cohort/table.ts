/** The cohort as a Markdown table (printed by main.ts; demo/README.md keeps a copy). */
import type { CohortManifest } from '../../src-main/services/project/demoCohortManifest';

// Two decimals, three below 0.1 ml so a one-voxel (0.003 ml) result does not read as 0.
const ml = (x: number) => x.toFixed(x > 0 && x < 0.1 ? 3 : 2);

export function cohortTable(m: CohortManifest): string {
  const head = [
    'case',
    'kind',
    'lesions (truth ml)',
    ...m.raters.map((r) => `${r.name} ml (lesion + uncertain)`),
    'model p>0.5 ml / Σp ml',
  ];
  const rows = m.cases.map((c) => [
    c.name,
    c.kind,
    c.lesions.length === 0 ? '0' : `${c.lesions.length}: ${c.lesions.map((l) => ml(l.truthMl)).join(', ')}`,
    ...m.raters.map((r) => {
      const x = c.raters.find((y) => y.rater === r.name);
      if (!x) return '—';
      if (x.mask === null) return 'no lesion';
      return `${ml(x.lesionMl)}${x.uncertainMl > 0 ? ` + ${ml(x.uncertainMl)}` : ''}${x.lesionsFound.length < c.lesions.length ? ` (misses ${c.lesions.length - x.lesionsFound.length})` : ''}`;
    }),
    c.model ? `${ml(c.model.maskMl)} / ${ml(c.model.expectedMl)}` : '—',
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
