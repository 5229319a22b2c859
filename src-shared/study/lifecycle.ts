/**
 * A study's states and the only moves between them: draft → open (once its set-up validates) →
 * closed. Nothing reopens a closed study: readers' answers would then be given after the mapping
 * and the results may have been seen. Pure: the server applies the returned state and audits it.
 */
import type { StudyState, SetupValidation } from './design';

export type StudyAction = 'open' | 'close';

export type Transition =
  { readonly ok: true; readonly state: StudyState } | { readonly ok: false; readonly message: string; readonly setup?: SetupValidation };

/** The state after `action`, or why it is refused. `setup` is validateStudySetup's verdict. */
export function transitionStudy(state: StudyState, action: StudyAction, setup: SetupValidation): Transition {
  if (action === 'open') {
    if (state !== 'draft') return { ok: false, message: `only a draft study can be opened; this one is ${state}` };
    if (!setup.ok) return { ok: false, message: `the study set-up is incomplete: ${setup.errors.join('; ')}`, setup };
    return { ok: true, state: 'open' };
  }
  if (state !== 'open') return { ok: false, message: `only an open study can be closed; this one is ${state}` };
  return { ok: true, state: 'closed' };
}

/** Whether a reader may see a trial's blinded content (never before opening, never after closing). */
export function readersMayAnswer(state: StudyState): boolean {
  return state === 'open';
}
