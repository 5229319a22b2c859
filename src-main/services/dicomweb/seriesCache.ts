/**
 * The local copy of archive series: each retrieved series is written as one file per instance in
 * `<root>/<study UID>/<series UID>/`, so the ordinary DICOM folder loader opens it, and a second open
 * does not fetch again. The cache stays under a byte limit by removing the least recently used
 * series. A series appears only when complete (written to a temp folder, then renamed), so an
 * interrupted or cancelled retrieval leaves nothing half-written behind.
 *
 * Plain Node.
 */
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkUid, DicomWebError, type DicomWebClient, type RetrieveProgress } from './client';

interface CachedSeries {
  dir: string;
  bytes: number;
  usedMs: number;
}

export class SeriesCache {
  /** One retrieval per series at a time: a second open of the same series waits for the first. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {}

  /** The folder holding the series, retrieved from the archive unless already cached. */
  async folderFor(
    client: DicomWebClient,
    studyUid: string,
    seriesUid: string,
    options: { signal?: AbortSignal; onProgress?: (p: RetrieveProgress) => void } = {},
  ): Promise<string> {
    const dir = path.join(this.root, checkUid(studyUid, 'StudyInstanceUID'), checkUid(seriesUid, 'SeriesInstanceUID'));
    try {
      await stat(dir);
      const now = new Date();
      await utimes(dir, now, now); // recently used: last to be evicted
      return dir;
    } catch {
      // not cached yet
    }
    const running = this.pending.get(dir);
    if (running) return running;
    const job = this.fetchInto(client, studyUid, seriesUid, dir, options).finally(() => this.pending.delete(dir));
    this.pending.set(dir, job);
    return job;
  }

  private async fetchInto(
    client: DicomWebClient,
    studyUid: string,
    seriesUid: string,
    dir: string,
    options: { signal?: AbortSignal; onProgress?: (p: RetrieveProgress) => void },
  ): Promise<string> {
    const instances = await client.retrieveSeries(studyUid, seriesUid, options);
    const bytes = instances.reduce((n, b) => n + b.byteLength, 0);
    if (bytes > this.maxBytes) {
      throw new DicomWebError(`series ${seriesUid} is ${bytes} bytes, more than the archive cache's limit of ${this.maxBytes}`);
    }
    await this.evictFor(bytes);
    const tmp = `${dir}.partial-${process.pid}-${Date.now()}`;
    try {
      await mkdir(tmp, { recursive: true });
      const width = String(instances.length).length;
      for (const [i, inst] of instances.entries()) await writeFile(path.join(tmp, `${String(i + 1).padStart(width, '0')}.dcm`), inst);
      await rename(tmp, dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return dir;
  }

  /** Removes least recently used series until `incoming` more bytes fit under the limit. */
  private async evictFor(incoming: number): Promise<void> {
    const all = await this.list();
    let total = all.reduce((n, s) => n + s.bytes, 0);
    for (const s of all.sort((a, b) => a.usedMs - b.usedMs)) {
      if (total + incoming <= this.maxBytes) break;
      await rm(s.dir, { recursive: true, force: true });
      total -= s.bytes;
    }
  }

  private async list(): Promise<CachedSeries[]> {
    const out: CachedSeries[] = [];
    const studies = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const study of studies.filter((d) => d.isDirectory())) {
      const studyDir = path.join(this.root, study.name);
      for (const series of await readdir(studyDir, { withFileTypes: true })) {
        if (!series.isDirectory() || series.name.includes('.partial-')) continue;
        const dir = path.join(studyDir, series.name);
        let bytes = 0;
        for (const f of await readdir(dir)) bytes += (await stat(path.join(dir, f))).size;
        out.push({ dir, bytes, usedMs: (await stat(dir)).mtimeMs });
      }
    }
    return out;
  }
}
