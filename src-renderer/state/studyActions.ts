/**
 * The reader-study workspace's calls to the backend: a typed wrapper over the study channels that
 * throws ApiRequestError (so components can show the message), and the loading of a trial's case
 * image. The image is opened with case.open (the same loader as the viewer, but without touching the
 * viewer's case, layers or rater colours) and its voxels fetched once per case path.
 */
import type { RequestOf, ResultOf } from '../../src-shared/api/contract';
import type { StudyChannel } from '../../src-shared/api/studyChannels';
import type { VolumeInfo } from '../../src-shared/api/contract';
import type { Geometry } from '../../src-shared/volume/types';
import { ApiRequestError, fetchVolumeBytes, getApi } from '../api';
import { voxelsFromBytes, type Voxels } from '../components/study/sliceRender';
import { invertsGrey } from '../viewer/greyDisplay';

export async function studyCall<C extends StudyChannel>(channel: C, request: RequestOf<C>): Promise<ResultOf<C>> {
  const handler = getApi()[channel] as (
    r: RequestOf<C>,
  ) => Promise<{ ok: true; value: ResultOf<C> } | { ok: false; error: { code: ApiRequestError['code']; message: string } }>;
  const r = await handler(request);
  if (!r.ok) throw new ApiRequestError(r.error.code, r.error.message);
  return r.value;
}

/** The image's grid (VolumeInfo's) without its origin, and its voxels. */
export interface StudyImage extends Pick<Geometry, 'dims' | 'spacingMm' | 'direction'> {
  readonly voxels: Voxels;
  /** Shown with the grey scale inverted (MONOCHROME1); the voxels are as stored. */
  readonly inverted: boolean;
  /** The case's volumes on the study grid the reader may switch between (b-values, sequences), and the one shown. */
  readonly choices: readonly string[];
  readonly chosen: number;
}

const images = new Map<string, Promise<StudyImage>>();

function sameGridVolumes(volumes: readonly VolumeInfo[], dims: readonly number[]): VolumeInfo[] {
  return volumes.filter((v) => v.dims.every((d, i) => d === dims[i]));
}

/**
 * The case image of a trial (its reference series), opened as the reader's `session`, fetched once
 * per path and volume and kept for the page. By default the volume the study chose (a DWI's b1000);
 * `volumeIndex` picks another of the case's volumes on the same grid (another b-value or sequence:
 * image data only, nothing about who segmented, so the reader's switch keeps the blinding).
 */
export function loadStudyImage(
  session: string,
  image: { path: string; bValue: number | null; dims: [number, number, number] },
  volumeIndex?: number,
): Promise<StudyImage> {
  const key = `${image.path}\n${image.bValue ?? ''}\n${volumeIndex ?? ''}`;
  let pending = images.get(key);
  if (!pending) {
    pending = (async () => {
      const opened = await getApi()['quorum:case.open']({ session, path: image.path });
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
      const bytes = await fetchVolumeBytes(volume.url);
      return {
        dims: [volume.dims[0], volume.dims[1], volume.dims[2]],
        spacingMm: [volume.spacingMm[0], volume.spacingMm[1], volume.spacingMm[2]],
        direction: [...volume.direction],
        voxels: voxelsFromBytes(bytes, volume.dataType),
        inverted: invertsGrey(volume),
        choices: choices.map((v) => (v.sequence && !v.label.startsWith(v.sequence.name) ? `${v.sequence.name} ${v.label}` : v.label)),
        chosen,
      };
    })();
    images.set(key, pending);
    pending.catch(() => images.delete(key));
  }
  return pending;
}

/** A trial's overlay: a binary mask on the reference grid, raw. */
export function checkedOverlay(mask: Uint8Array, voxels: number): Uint8Array {
  if (mask.length !== voxels)
    throw new ApiRequestError('bad-geometry', `An overlay has ${mask.length} voxels; the case grid has ${voxels}.`);
  return mask;
}

/** Offers `text` as a file download (the report's CSV and configuration JSON). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
