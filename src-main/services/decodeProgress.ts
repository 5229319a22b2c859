/**
 * How far each session's case.open has got decoding its DICOM series' compressed frames, for the
 * renderer's progress bar (polled through case.decodeProgress): a 300-slice JPEG series takes
 * seconds. Keyed by the session's token, so a session sees its own progress only; an entry lives
 * while its case.open runs. A second open from the same session replaces the entry, and only the
 * open that made an entry removes it.
 *
 * Plain Node.
 */
import type { DecodeProgress } from './dicomDecode';

interface FramesDecoded {
  decoded: number;
  total: number;
}

export class DecodeProgressBoard {
  private readonly bySession = new Map<string, { frames: FramesDecoded | null }>();

  /** Runs `open` with a progress callback whose reports `of(session)` returns until `open` settles. */
  async track<T>(session: string, open: (onDecodeProgress: DecodeProgress) => Promise<T>): Promise<T> {
    const entry: { frames: FramesDecoded | null } = { frames: null };
    this.bySession.set(session, entry);
    try {
      return await open((decoded, total) => {
        entry.frames = { decoded, total };
      });
    } finally {
      if (this.bySession.get(session) === entry) this.bySession.delete(session);
    }
  }

  /** Null while no open of this session is decoding (none running, or it has not reached its frames). */
  of(session: string): FramesDecoded | null {
    return this.bySession.get(session)?.frames ?? null;
  }
}
