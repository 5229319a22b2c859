/**
 * The inference controller (inferenceController.ts) for the components: main.tsx creates the one
 * controller at start-up and provides it here; components take it with useInference().
 */
import { createContext, useContext } from 'react';
import type { InferenceController } from './inferenceController';

export const InferenceContext = createContext<InferenceController | null>(null);

export function useInference(): InferenceController {
  const controller = useContext(InferenceContext);
  if (!controller) throw new Error('No inference controller: main.tsx provides it around the app.');
  return controller;
}
