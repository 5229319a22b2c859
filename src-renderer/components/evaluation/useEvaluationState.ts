/** A slice of the metrics panel's state, from the evaluation controller made at start-up. */
import { useControllers, useStoreState } from '../../controllers/ControllersContext';
import type { EvaluationState } from '../../state/evaluationState';

export function useEvaluationState<T>(select: (s: EvaluationState) => T): T {
  return useStoreState(useControllers().evaluation.store, select);
}
