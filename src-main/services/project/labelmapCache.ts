/**
 * The last labelmap the server acknowledged per (rater, case), kept in memory so that the next
 * slice save (versions.saveLabelmapSlices) starts from it instead of reading, inflating and checking
 * the parent's file and compressing every slice again. Bounded by bytes, least recently used first
 * out.
 *
 * Always the right bytes or none: an entry names the version and the file hash it holds, and is
 * used only for a parent with that id and hash (versions and their files never change), so a stale
 * entry (the rater saved from another server process since, as on the team server) or an evicted
 * one is a miss, and a miss reads the file as before. An entry is taken out while a save works on
 * it (the save writes its slices into it in place) and put back under the new version only once
 * that version is committed; a save that fails leaves no entry, so nothing half-written is reused.
 *
 * Plain data, one per store (StoreContext.labelmaps).
 */
import { piecesBytes, type LabelmapPieces } from './labelmapGzip';

export interface CachedLabelmap {
  readonly raterId: string;
  readonly caseId: string;
  readonly versionId: string;
  readonly fileHash: string;
  /** Uint8, i fastest, on the case grid; owned by the cache (or by the one save that took it). */
  readonly labelmap: Uint8Array;
  /** Its stored file's compressed pieces (labelmapGzip.ts). */
  readonly pieces: LabelmapPieces;
}

/** 512 MiB: six 512×512×300 labelmaps (75 MiB each and their pieces). */
const DEFAULT_LABELMAP_CACHE_BYTES = 512 * 2 ** 20;

const keyOf = (raterId: string, caseId: string): string => `${raterId}\u0000${caseId}`;
const bytesOf = (e: CachedLabelmap): number => e.labelmap.byteLength + piecesBytes(e.pieces);

export class LabelmapCache {
  /** In use order, least recent first (a Map iterates in insertion order). */
  private readonly entries = new Map<string, CachedLabelmap>();
  private held = 0;

  constructor(readonly maxBytes: number = DEFAULT_LABELMAP_CACHE_BYTES) {}

  /** The bytes held now; never above maxBytes. */
  get bytes(): number {
    return this.held;
  }

  /**
   * The entry for this parent, removed from the cache for the caller to write into; null (a miss)
   * unless it holds exactly `versionId` with file `fileHash`.
   */
  take(raterId: string, caseId: string, versionId: string, fileHash: string): CachedLabelmap | null {
    const key = keyOf(raterId, caseId);
    const e = this.entries.get(key);
    if (!e || e.versionId !== versionId || e.fileHash !== fileHash) return null;
    this.remove(key, e);
    return e;
  }

  /** Keeps `e` as the (rater, case)'s last acknowledged labelmap, evicting the least recently used beyond the bound. */
  put(e: CachedLabelmap): void {
    const key = keyOf(e.raterId, e.caseId);
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const size = bytesOf(e);
    if (size > this.maxBytes) return;
    for (const [k, victim] of this.entries) {
      if (this.held + size <= this.maxBytes) break;
      this.remove(k, victim);
    }
    this.entries.set(key, e);
    this.held += size;
  }

  private remove(key: string, e: CachedLabelmap): void {
    this.entries.delete(key);
    this.held -= bytesOf(e);
  }
}
