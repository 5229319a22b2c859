/**
 * The panel's choices: convention shown, USE threshold T (ml), surface tolerances (mm) and how
 * uncertain voxels count. Text fields apply on Enter or blur, and a bad entry is refused with the
 * reason instead of being silently replaced.
 */
import { useState } from 'react';
import { CONVENTIONS, type ConventionName } from '../../../src-shared/metrics/conventions/types';
import type { UncertainAs } from '../../../src-shared/evaluation/types';
import { CONVENTION_LABELS, parseThresholdMl, parseTolerancesMm } from '../../../src-shared/evaluation/metricCatalog';
import { UNCERTAIN_LABELS } from '../../../src-shared/evaluation/defaults';
import { useControllers } from '../../controllers/ControllersContext';
import { useEvaluationState } from './useEvaluationState';

const UNCERTAIN: ReadonlyArray<{ value: UncertainAs; title: string }> = [
  {
    value: 'half',
    title: 'Label 2 is half a vote in the majority and soft consensus; a single rater’s binary mask treats it as background.',
  },
  { value: 'lesion', title: 'Label 2 counts as lesion in every mask and as a full vote in consensus.' },
  { value: 'background', title: 'Label 2 counts as background everywhere.' },
];

export function EvaluationSettingsForm() {
  const { evaluation } = useControllers();
  const settings = useEvaluationState((s) => s.settings);
  const [tText, setTText] = useState(settings.useThresholdMl === null ? '' : String(settings.useThresholdMl));
  const [tolText, setTolText] = useState(settings.tolerancesMm.join(', '));
  const [problem, setProblem] = useState<string | null>(null);

  const applyT = () => {
    const parsed = parseThresholdMl(tText);
    if (!parsed.ok) return setProblem(parsed.error);
    setProblem(null);
    evaluation.changeSettings({ useThresholdMl: parsed.value });
  };
  const applyTolerances = () => {
    const parsed = parseTolerancesMm(tolText);
    if (!parsed.ok) return setProblem(parsed.error);
    setProblem(null);
    evaluation.changeSettings({ tolerancesMm: parsed.value });
  };

  return (
    <div className="metrics-settings" data-testid="metrics-settings">
      <label title="Every value is computed under all three conventions; this picks the one shown.">
        Convention
        <select
          data-testid="metrics-convention"
          value={settings.convention}
          onChange={(e) => evaluation.changeSettings({ convention: e.target.value as ConventionName })}
        >
          {CONVENTIONS.map((c) => (
            <option key={c} value={c}>
              {CONVENTION_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      <label title="USE-Evaluator's T: a mask is small when !(volume > T). Empty: small means empty, and there is no image-level class.">
        USE threshold T (ml)
        <input
          data-testid="metrics-threshold"
          inputMode="decimal"
          placeholder="none"
          value={tText}
          onChange={(e) => setTText(e.target.value)}
          onBlur={applyT}
          onKeyDown={(e) => e.key === 'Enter' && applyT()}
        />
      </label>
      <label title="Surface Dice (USE, surfel areas) and NSD (MetricsReloaded, border voxels) tolerances τ. Empty: USE 2, 5, 10 mm; MetricsReloaded 1 mm.">
        Surface tolerances (mm)
        <input
          data-testid="metrics-tolerances"
          placeholder="defaults"
          value={tolText}
          onChange={(e) => setTolText(e.target.value)}
          onBlur={applyTolerances}
          onKeyDown={(e) => e.key === 'Enter' && applyTolerances()}
        />
      </label>
      <label>
        Uncertain voxels
        <select
          data-testid="metrics-uncertain"
          value={settings.uncertainAs}
          onChange={(e) => evaluation.changeSettings({ uncertainAs: e.target.value as UncertainAs })}
        >
          {UNCERTAIN.map((u) => (
            <option key={u.value} value={u.value} title={u.title}>
              {UNCERTAIN_LABELS[u.value]}
            </option>
          ))}
        </select>
      </label>
      {problem && (
        <div className="annotation-message error" data-testid="metrics-settings-error" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}
