/**
 * The reader-study workspace's controller: a typed wrapper over the study channels that throws
 * ApiRequestError (so components can show the message), a trial with its case image and overlays,
 * and the case images kept for the page. The image is opened with case.open (the same loader as the
 * viewer, but without touching the viewer's case, layers or rater colours) and its voxels fetched
 * once per case path and volume. Made once at start-up (startApp.ts).
 */
import type { QuorumApi, RequestOf, ResultOf, VolumeInfo } from '../../src-shared/api/contract';
import type { ReaderTrialPayload, StudyChannel } from '../../src-shared/api/studyChannels';
import type { Geometry } from '../../src-shared/volume/types';
import { ApiRequestError } from '../api';
import { voxelsFromBytes, type Voxels } from '../components/study/sliceRender';
import { invertsGrey } from '../viewer/greyDisplay';

/** The image's grid (VolumeInfo's) without its origin, and its voxels. */
export interface StudyImage extends Pick<Geometry, 'dims' | 'spacingMm' | 'direction'> {
  readonly voxels: Voxels;
  /** Shown with the grey scale inverted (MONOCHROME1); the voxels are as stored. */
  readonly inverted: boolean;
  /** The case's volumes on the study grid the reader may switch between (b-values, sequences), and the one shown. */
  readonly choices: readonly string[];
  readonly chosen: number;
}

/** A trial as the reader sees it: the server's payload, its case image (null: the study is done) and the decoded overlays. */
export interface LoadedTrial {
  readonly payload: ReaderTrialPayload;
  readonly image: StudyImage | null;
  readonly masks: Uint8Array[];
}

type StudyImageRef = NonNullable<ReaderTrialPayload['image']>;

export interface StudyDeps {
  readonly api: Pick<QuorumApi, StudyChannel | 'quorum:case.open'>;
  /** The whole body of a VolumeInfo.url. */
  readonly fetchVolumeBytes: (url: string) => Promise<Uint8Array>;
}

function sameGridVolumes(volumes: readonly VolumeInfo[], dims: readonly number[]): VolumeInfo[] {
  return volumes.filter((v) => v.dims.every((d, i) => d === dims[i]));
}

export class StudyController {
  /** Case images by path, b-value and volume choice, kept for the page (a failed load is forgotten). */
  private readonly images = new Map<string, Promise<StudyImage>>();

  constructor(private readonly deps: StudyDeps) {}

  async call<C extends StudyChannel>(channel: C, request: RequestOf<C>): Promise<ResultOf<C>> {
    const handler = this.deps.api[channel] as (
      r: RequestOf<C>,
    ) => Promise<{ ok: true; value: ResultOf<C> } | { ok: false; error: { code: ApiRequestError['code']; message: string } }>;
    const r = await handler(request);
    if (!r.ok) throw new ApiRequestError(r.error.code, r.error.message);
    return r.value;
  }

  /** The reader's next trial (or the one at `position`, a revisit), with its image and overlays ready to draw. */
  async loadTrial(session: string, studyId: string, position?: number): Promise<LoadedTrial> {
    const payload = await this.call('quorum:study.next', { session, studyId, ...(position === undefined ? {} : { position }) });
    if (payload.trial === null || payload.image === null) return { payload, image: null, masks: [] };
    const image = await this.loadImage(session, payload.image);
    const voxels = image.dims[0] * image.dims[1] * image.dims[2];
    const masks = payload.overlays.map((o) => checkedOverlay(o.mask, voxels));
    return { payload, image, masks };
  }

  /**
   * The case image of a trial (its reference series), opened as the reader's `session`, fetched once
   * per path and volume and kept for the page. By default the volume the study chose (a DWI's b1000);
   * `volumeIndex` picks another of the case's volumes on the same grid (another b-value or sequence:
   * image data only, nothing about who segmented, so the reader's switch keeps the blinding).
   */
  loadImage(session: string, image: StudyImageRef, volumeIndex?: number): Promise<StudyImage> {
    const key = `${image.path}\n${image.bValue ?? ''}\n${volumeIndex ?? ''}`;
    let pending = this.images.get(key);
    if (!pending) {
      pending = this.openImage(session, image, volumeIndex);
      this.images.set(key, pending);
      pending.catch(() => this.images.delete(key));
    }
    return pending;
  }

  private async openImage(session: string, image: StudyImageRef, volumeIndex: number | undefined): Promise<StudyImage> {
    const opened = await this.deps.api['quorum:case.open']({ session, path: image.path });
    if (!opened.ok) throw new ApiRequestError(opened.error.code, opened.error.message);
    const choices = sameGridVolumes(opened.value.volumes, image.dims);
    const chosen =
      volumeIndex ??
      Math.max(
        0,
        choices.findIndex((v) => v.bValue === image.bValue),
      );
    const volume = choices[chosen];
    if (!volume) throw new ApiRequestError('bad-geometry', `The case image has no volume on the study's ${image.dims.join('×')} grid.`);
    const bytes = await this.deps.fetchVolumeBytes(volume.url);
    return {
      dims: [volume.dims[0], volume.dims[1], volume.dims[2]],
      spacingMm: [volume.spacingMm[0], volume.spacingMm[1], volume.spacingMm[2]],
      direction: [...volume.direction],
      voxels: voxelsFromBytes(bytes, volume.dataType),
      inverted: invertsGrey(volume),
      choices: choices.map((v) => (v.sequence && !v.label.startsWith(v.sequence.name) ? `${v.sequence.name} ${v.label}` : v.label)),
      chosen,
    };
  }
}

/** A trial's overlay: a binary mask on the reference grid, raw. */
function checkedOverlay(mask: Uint8Array, voxels: number): Uint8Array {
  if (mask.length !== voxels)
    throw new ApiRequestError('bad-geometry', `An overlay has ${mask.length} voxels; the case grid has ${voxels}.`);
  return mask;
}
