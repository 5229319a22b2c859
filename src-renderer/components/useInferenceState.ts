/** A slice of the inference panel's state, from the inference controller made at start-up. */
import { useControllers, useStoreState } from '../controllers/ControllersContext';
import type { InferenceState } from '../state/inferenceState';

export function useInferenceState<T>(select: (s: InferenceState) => T): T {
  return useStoreState(useControllers().inference.store, select);
}
