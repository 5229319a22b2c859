/**
 * The annotation controller with fake dependencies (no server, no viewer), fed the viewer's
 * 'labelmap-modified' events as ownLabelmapChanges.ts names them from Cornerstone's event details:
 * a load never marks the draft dirty or saves it; a stroke, a Quorum edit and an undo do.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaseDescriptor } from '../../src-shared/api/contract';
import type { AnnotationVersion, CaseRecord } from '../../src-shared/project/types';
import { initialAnnotationState, type AnnotationState } from '../state/annotationState';
import type { AppEvents, AppState } from '../state/appState';
import { createStore } from '../state/createStore';
import { editing, OWN_SEGMENTATION, ownLabelmapChange } from '../viewer/ownLabelmapChanges';
import { AnnotationController, type AnnotationDeps } from './annotationController';
import { createViewerEvents } from './viewerEvents';

const dims: [number, number, number] = [2, 2, 3];
const voxels = dims[0] * dims[1] * dims[2];
const openCase = { caseId: 'c1', path: '/cases/c1' } as unknown as CaseDescriptor;
const record = { caseId: 'c1', series: [{ path: '/cases/c1', geometry: { dims } }] } as unknown as CaseRecord;
const stored: AnnotationVersion = {
  versionId: 'v1',
  caseId: 'c1',
  raterId: 'r1',
  fileHash: 'h1',
  fileName: 'h1.nii.gz',
  parentVersionId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  status: 'submitted',
  noLesion: false,
  appVersion: 'test',
  origin: 'editor',
};

function setup() {
  const store = createStore<AnnotationState, Record<string, never>>({
    ...initialAnnotationState,
    signedIn: { raterId: 'r1', name: 'Ann', role: 'annotator', token: 'tok' },
    mode: 'annotate',
    projectCases: [record],
  });
  const app = createStore<AppState, AppEvents>({ openCase } as unknown as AppState);
  const labelmap = new Uint8Array(voxels);
  const saves: Array<{ channel: string; slices?: number[]; whole?: number }> = [];
  const saved = (versionId: string) => Promise.resolve({ ok: true as const, value: { ...stored, versionId, status: 'draft' as const } });
  const api = {
    'quorum:annotation.list': () => Promise.resolve({ ok: true, value: [stored] }),
    'quorum:annotation.read': () => Promise.resolve({ ok: true, value: { labelmap: labelmap.slice() } }),
    'quorum:annotation.saveSlices': (r: { slices: { indices: number[] } }) => {
      saves.push({ channel: 'saveSlices', slices: r.slices.indices });
      return saved(`v${saves.length + 1}`);
    },
    'quorum:annotation.save': (r: { labelmap: Uint8Array }) => {
      saves.push({ channel: 'save', whole: r.labelmap.length });
      return saved(`v${saves.length + 1}`);
    },
  } as unknown as AnnotationDeps['api'];
  const sliceSize = dims[0] * dims[1];
  const controller = new AnnotationController({
    api,
    store,
    app,
    viewer: {
      shownCase: () => openCase,
      showOwn: () => {},
      clearLayers: () => {},
      rebindLayers: () => true,
      ownLabelmap: () => labelmap.slice(),
      ownLabelmapSlices: (indices) => ({ indices, bytes: new Uint8Array(indices.length * sliceSize) }),
      interpolate: () => null,
      undo: () => {},
      redo: () => {},
      setThresholdTolerance: () => {},
    },
    loadReviewLayers: () => Promise.resolve(),
  });
  // As startApp wires it: Cornerstone's event detail → the typed event with its cause → the controller.
  const events = createViewerEvents();
  events.on('labelmap-modified', (change) => controller.labelmapModified(change));
  const cornerstoneFires = (detail: { segmentationId: string; modifiedSlicesToUse?: number[] }) => {
    const change = ownLabelmapChange(detail);
    if (change) events.emit('labelmap-modified', change);
  };
  return { controller, store, saves, cornerstoneFires };
}

describe('AnnotationController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('does not take a load for an edit: the layer mounting leaves the submitted version clean and unsaved', async () => {
    const { controller, store, saves, cornerstoneFires } = setup();
    await controller.syncCase();
    expect(store.getState().own).toMatchObject({ versionId: 'v1', status: 'submitted', dirty: false });
    // Cornerstone's echo when it mounts the layer on each viewport names no slice.
    for (let i = 0; i < 3; i++) cornerstoneFires({ segmentationId: OWN_SEGMENTATION });
    // Another layer's changes (the heat map, a rater's) are not the own labelmap's.
    cornerstoneFires({ segmentationId: 'quorum-heat', modifiedSlicesToUse: [1] });
    expect(store.getState().own.dirty).toBe(false);
    await vi.runAllTimersAsync();
    expect(saves).toEqual([]);
    await controller.flush('switch');
    expect(saves).toEqual([]);
  });

  it('marks a brush stroke dirty and autosaves only the slices it changed', async () => {
    const { controller, store, saves, cornerstoneFires } = setup();
    await controller.syncCase();
    cornerstoneFires({ segmentationId: OWN_SEGMENTATION });
    cornerstoneFires({ segmentationId: OWN_SEGMENTATION, modifiedSlicesToUse: [2] });
    cornerstoneFires({ segmentationId: OWN_SEGMENTATION, modifiedSlicesToUse: [0, 2] });
    expect(store.getState().own.dirty).toBe(true);
    await vi.runAllTimersAsync();
    expect(saves).toEqual([{ channel: 'saveSlices', slices: [0, 2] }]);
    expect(store.getState().own).toMatchObject({ versionId: 'v2', status: 'draft', dirty: false });
  });

  it("counts Quorum's own edits and undo as edits, by the cause they run under, even where no slice is named", async () => {
    const { controller, store, saves, cornerstoneFires } = setup();
    await controller.syncCase();
    editing('tool', () => cornerstoneFires({ segmentationId: OWN_SEGMENTATION, modifiedSlicesToUse: [1] }));
    await controller.saveDraft();
    expect(saves).toEqual([{ channel: 'saveSlices', slices: [1] }]);
    // An undo step that names no slice (Cornerstone's segment move): the next save sends the labelmap whole.
    editing('undo', () => cornerstoneFires({ segmentationId: OWN_SEGMENTATION }));
    expect(store.getState().own.dirty).toBe(true);
    await controller.flush('switch');
    expect(saves[1]).toEqual({ channel: 'save', whole: voxels });
  });
});
