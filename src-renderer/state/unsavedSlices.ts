/**
 * Which axial slices of the own labelmap differ from the last version the server acknowledged, so a
 * save sends those slices (annotation.saveSlices) instead of the volume. Edits report their slices
 * (the viewer's 'labelmap-modified' event); an edit that names none, a first save and a save on
 * top of someone else's newer version (a conflict kept) make the whole volume pending.
 *
 * Also the labelled-voxel count of each slice of the acknowledged version, so a slice save updates
 * the count shown from the slices it sent, without reading the volume.
 */
import { countLabelled } from '../../src-shared/project/labels';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';
import type { EditedSlices } from '../controllers/viewerEvents';

/** What the next save must send: these slices, or the whole labelmap. */
export type Pending = { readonly kind: 'slices'; readonly slices: ReadonlySet<number> } | { readonly kind: 'whole' };

export class UnsavedSlices {
  private pending: Pending = { kind: 'whole' };
  private labelled: Uint32Array | null = null;

  /** A version is on screen as stored (`labelmap` null: all zero), nothing unsaved. */
  loaded(labelmap: Uint8Array | null, dims: readonly [number, number, number]): void {
    this.labelled = new Uint32Array(dims[2]);
    if (labelmap) this.countWhole(labelmap);
    this.pending = { kind: 'slices', slices: new Set() };
  }

  edited(slices: EditedSlices): void {
    if (this.pending.kind === 'whole') return;
    if (slices === 'unknown') this.pending = { kind: 'whole' };
    else this.pending = { kind: 'slices', slices: new Set([...this.pending.slices, ...slices]) };
  }

  /** The next save goes on top of a version this window did not make: only the whole labelmap is right. */
  wholeNext(): void {
    this.pending = { kind: 'whole' };
  }

  /**
   * Hands what is pending to a save that starts now; edits from here on are pending for the next
   * one. A save that fails gives it back (`giveBack`).
   */
  take(): Pending {
    const taken = this.pending;
    this.pending = { kind: 'slices', slices: new Set() };
    return taken;
  }

  giveBack(taken: Pending): void {
    if (taken.kind === 'whole' || this.pending.kind === 'whole') this.pending = { kind: 'whole' };
    else this.pending = { kind: 'slices', slices: new Set([...taken.slices, ...this.pending.slices]) };
  }

  /** The labelled voxels of the version a save of `sent` made. */
  saved(sent: { kind: 'whole'; labelmap: Uint8Array } | { kind: 'slices'; patch: SlicePatch }): number {
    const labelled = this.labelled;
    if (!labelled) return 0;
    if (sent.kind === 'whole') this.countWhole(sent.labelmap);
    else {
      const size = sent.patch.bytes.length / sent.patch.indices.length;
      sent.patch.indices.forEach((k, n) => (labelled[k] = countLabelled(sent.patch.bytes.subarray(n * size, (n + 1) * size))));
    }
    return labelled.reduce((sum, n) => sum + n, 0);
  }

  private countWhole(labelmap: Uint8Array): void {
    const labelled = this.labelled;
    if (!labelled) return;
    const size = labelmap.length / labelled.length;
    for (let k = 0; k < labelled.length; k++) labelled[k] = countLabelled(labelmap.subarray(k * size, (k + 1) * size));
  }
}
