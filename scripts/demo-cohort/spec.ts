/**
 * What the demo evaluation cohort holds: six cases made from the one real demo DWI, each with its own
 * noise and synthetic lesions, chosen to exercise the USE-Evaluator's questions (an empty reference,
 * a lone small lesion under 0.5 ml, a multi-lesion case, ordinary cases), and three synthetic raters
 * whose masks differ from the truth the way people's do. Changing anything here changes the cohort:
 * bump COHORT_FORMAT (demoCohortManifest.ts) so set-up regenerates it.
 */
import type { CohortCase } from '../../src-main/services/project/demoCohortManifest';

export const COHORT_SEED = 20261127;

/** Lesion size classes: blob radius in voxels (1.5 mm) and the accepted truth volume in ml. */
export const LESION_CLASSES = {
  small: { radiusVox: [2.0, 2.6], ellipsoids: [1, 1], ml: [0.15, 0.45] },
  medium: { radiusVox: [2.6, 3.6], ellipsoids: [1, 3], ml: [0.6, 4] },
  large: { radiusVox: [4.2, 5.6], ellipsoids: [2, 4], ml: [4, 16] },
} as const;
export type LesionClass = keyof typeof LESION_CLASSES;

export interface CaseSpec {
  id: string;
  name: string;
  kind: CohortCase['kind'];
  lesions: readonly LesionClass[];
  /** Rician noise σ added to every volume (the scan's own noise stays under it). */
  noiseSigma: number;
}

// Names avoid "DWI", "diffusion", "DICOM" and "CT": e2e specs pick the other demo cases by those words.
export const CASES: readonly CaseSpec[] = [
  { id: 'case-01', name: 'Cohort 01 · empty reference', kind: 'empty', lesions: [], noiseSigma: 5 },
  { id: 'case-02', name: 'Cohort 02 · one small lesion', kind: 'small', lesions: ['small'], noiseSigma: 20 },
  { id: 'case-03', name: 'Cohort 03 · three lesions', kind: 'multi', lesions: ['large', 'medium', 'small'], noiseSigma: 25 },
  { id: 'case-04', name: 'Cohort 04 · one large lesion', kind: 'ordinary', lesions: ['large'], noiseSigma: 10 },
  { id: 'case-05', name: 'Cohort 05 · two lesions', kind: 'ordinary', lesions: ['medium', 'medium'], noiseSigma: 30 },
  { id: 'case-06', name: 'Cohort 06 · one medium lesion', kind: 'ordinary', lesions: ['medium'], noiseSigma: 20 },
];

/**
 * How each synthetic rater draws: the soft blob's iso-level (0.5 is the truth), a one-voxel
 * boundary jitter, a band marked "uncertain" (label 2), and whether they miss the smallest lesion of
 * a case with several.
 */
export interface RaterSpec {
  name: string;
  description: string;
  isoLevel: number;
  jitter: number;
  uncertainFrom: number | null;
  missesSmallestOfSeveral: boolean;
}

export const RATERS: readonly RaterSpec[] = [
  {
    name: 'Dr. Anna Jansen',
    description: 'generous outline: soft blob > 0.4 (synthetic rater)',
    isoLevel: 0.4,
    jitter: 0,
    uncertainFrom: null,
    missesSmallestOfSeveral: false,
  },
  {
    name: 'Dr. Ben Okafor',
    description: 'tight outline: soft blob > 0.6; misses the smallest lesion of a multi-lesion case (synthetic rater)',
    isoLevel: 0.6,
    jitter: 0,
    uncertainFrom: null,
    missesSmallestOfSeveral: true,
  },
  {
    name: 'Dr. Chen Li',
    description: 'soft blob > 0.5 with a one-voxel boundary jitter; 0.35 < blob marked uncertain (label 2) (synthetic rater)',
    isoLevel: 0.5,
    jitter: 0.3,
    uncertainFrom: 0.35,
    missesSmallestOfSeveral: false,
  },
];
