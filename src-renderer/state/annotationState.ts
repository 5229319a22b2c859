/**
 * Annotation state: who is signed in to the project, the mode (annotate or review), the open
 * case's project record, the rater's own labelmap status, the editing tool, and in review mode the
 * raters' layers and the heat map. Changed only through the verb-named functions in raterActions.ts
 * and reviewActions.ts and the annotation controller (controllers/annotationController.ts); the
 * viewer (viewer/annotationSession.ts) follows it.
 */
import { useSyncExternalStore } from 'react';
import type { CaseRecord, RaterCaseStatus, Role, VersionStatus } from '../../src-shared/project/types';
import type { DisagreementMeasure } from '../../src-shared/project/disagreement';
import type { EditTool } from '../viewer/annotationTools';
import { BRUSH_RADIUS_MM } from '../viewer/annotationTools';
import { THRESHOLD_TOLERANCE } from '../viewer/editToolClasses';
import { DEFAULT_UNCERTAIN_AS } from '../../src-shared/evaluation/defaults';
import { LABEL_PRESETS, type LabelTable } from '../../src-shared/project/labelTable';
import type { UncertainAs } from '../../src-shared/project/labels';
import { createStore } from './createStore';

/** An entry of the sign-in picker: a person's name, and whether they have chosen a secret yet. */
export interface Identity {
  readonly name: string;
  readonly hasSecret: boolean;
}

export interface SignedIn {
  readonly raterId: string;
  readonly name: string;
  readonly role: Role;
  /** The session token every project request carries. */
  readonly token: string;
}

/** annotate: the image and one's own labelmap only; review: every rater's layers and the heat map. */
export type AnnotationMode = 'annotate' | 'review';

export interface OwnAnnotation {
  /** The newest saved version (the parent of the next save), or null when not started. */
  readonly versionId: string | null;
  readonly status: RaterCaseStatus;
  /** Edits since the last save. */
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly savedAt: string | null;
  /** Non-zero voxels of the labelmap as last counted (save or load). */
  readonly voxels: number;
  /**
   * A save the server refused because this case was saved meanwhile from another window or session
   * (the status it was for), until the person chooses: keep their edits on top, or load the newer
   * version. Autosave waits while it is set, so nothing is saved over anyone without asking.
   */
  readonly conflict: VersionStatus | null;
}

export interface RaterLayer {
  readonly raterId: string;
  readonly name: string;
  /** Index into the Okabe–Ito palette. */
  readonly colorIndex: number;
  readonly versionId: string | null;
  readonly status: RaterCaseStatus;
  readonly visible: boolean;
  readonly voxels: number;
  /** A saved model result (rater kind 'model'): drawn, but in the consensus maps only when the user includes models. */
  readonly model: boolean;
}

export interface HeatMapSettings {
  readonly visible: boolean;
  readonly opacity: number;
  /** Voxels whose mean vote is below this are not drawn. */
  readonly threshold: number;
  /** How many raters' labelmaps the map averages (0: none loaded): the human raters, plus `models` when included. */
  readonly raters: number;
  /**
   * The user's explicit choice to count saved model results as raters in the soft reference, its
   * contour and the disagreement map; off, they are made of human raters only, like the metrics.
   */
  readonly includeModels: boolean;
  /** How many of `raters` are model results (0 unless `includeModels`). */
  readonly models: number;
  /** The uncertain-voxel rule it was computed with: the metrics panel's, so V_soft is the same number. */
  readonly uncertainAs: UncertainAs;
  /** Σ mean vote · voxel volume in ml: the heat map's own V_soft. */
  readonly softMl: number;
  /**
   * The certain label whose soft reference (and p = 0.5 contour) is shown under a table with several
   * (labelsEvaluated); null under the stroke table, where the binary reading is shown.
   */
  readonly label: number | null;
}

/** Review mode: the disagreement map and the soft reference's p = 0.5 contour. */
export interface ReviewMapSettings {
  readonly disagreementVisible: boolean;
  readonly measure: DisagreementMeasure;
  /** Voxels drawn on the disagreement map (where raters differ). */
  readonly disagreementVoxels: number;
  readonly contourVisible: boolean;
  /** Voxels inside the p = 0.5 contour. */
  readonly contourVoxels: number;
}

/** Review mode: side-by-side panes, each showing one layer (a segmentation id). */
export interface SideBySideState {
  readonly open: boolean;
  readonly panes: readonly string[];
}

export interface AnnotationState {
  /** The sign-in picker's names; null until the server has answered (an empty list means nobody yet). */
  readonly identities: readonly Identity[] | null;
  readonly signedIn: SignedIn | null;
  readonly mode: AnnotationMode;
  readonly projectCases: readonly CaseRecord[];
  /** The open project's folder (project.open), against which its relative series paths resolve. */
  readonly projectDir: string | null;
  /** The open case's record in the project, or null when it is not a project case. */
  readonly currentCase: CaseRecord | null;
  readonly own: OwnAnnotation;
  readonly tool: EditTool | null;
  readonly radiusMm: number;
  /** The project's label table (labels.get); the stroke table until the server has answered. */
  readonly labels: LabelTable;
  /** The value the editing tools paint: one of `labels`. */
  readonly label: number;
  /** Threshold brush: tolerance as a fraction of the window width, and the range of the last stroke. */
  readonly thresholdTolerance: number;
  readonly thresholdRange: readonly [number, number] | null;
  readonly layers: readonly RaterLayer[];
  readonly heat: HeatMapSettings;
  readonly maps: ReviewMapSettings;
  readonly sideBySide: SideBySideState;
  /** The last thing worth telling the user (saved, refused…). */
  readonly message: { readonly text: string; readonly error: boolean } | null;
  /**
   * Counts the mounts of the rater's own editable layer. The edit tool can only be activated once
   * the layer exists, and a not-started rater's `own` looks the same before and after it mounts, so
   * the tool binding follows this instead.
   */
  readonly ownLayerMounts: number;
}

export const NOT_STARTED: OwnAnnotation = {
  versionId: null,
  status: 'not-started',
  dirty: false,
  saving: false,
  savedAt: null,
  voxels: 0,
  conflict: null,
};

export const initialAnnotationState: AnnotationState = {
  identities: null,
  signedIn: null,
  mode: 'annotate',
  projectCases: [],
  projectDir: null,
  currentCase: null,
  own: NOT_STARTED,
  tool: null,
  radiusMm: BRUSH_RADIUS_MM.initial,
  labels: LABEL_PRESETS.stroke.labels,
  label: 1,
  thresholdTolerance: THRESHOLD_TOLERANCE.initial,
  thresholdRange: null,
  layers: [],
  heat: {
    visible: true,
    opacity: 0.6,
    threshold: 0.25,
    raters: 0,
    includeModels: false,
    models: 0,
    uncertainAs: DEFAULT_UNCERTAIN_AS,
    softMl: 0,
    label: null,
  },
  maps: { disagreementVisible: false, measure: 'entropy', disagreementVoxels: 0, contourVisible: true, contourVoxels: 0 },
  sideBySide: { open: false, panes: [] },
  message: null,
  ownLayerMounts: 0,
};

export const annotationStore = createStore<AnnotationState, Record<string, never>>(initialAnnotationState);

export function useAnnotationState<T>(select: (state: AnnotationState) => T): T {
  return useSyncExternalStore(annotationStore.subscribe, () => select(annotationStore.getState()));
}

export function updateAnnotation(patch: Partial<AnnotationState> | ((s: AnnotationState) => Partial<AnnotationState>)): void {
  annotationStore.update((s) => ({ ...s, ...(typeof patch === 'function' ? patch(s) : patch) }));
}

/** The signed-in session's token, which every project and file request carries; null before sign-in. */
export function sessionToken(): string | null {
  return annotationStore.getState().signedIn?.token ?? null;
}

export function tell(text: string, error = false): void {
  updateAnnotation({ message: { text, error } });
}
