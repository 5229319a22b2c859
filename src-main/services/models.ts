/**
 * The models service (issue 5): lists the model folders of the bundled models directory and of the
 * user's models directory (`<data-dir>/models`), each checked with the same loadModelFolder the
 * renderer's worker runs, and reads one file of a folder for the `api/model/…` route.
 *
 * Folders are listed from disk on every call, so a model folder dropped into the user's directory
 * appears without a rebuild or restart. Validating a folder hashes every member (sha256 of up to
 * 100 MB per file), so the result is cached per folder under a fingerprint of its files' names,
 * sizes and mtimes: any file added, removed, resized or touched re-validates the folder. (A change
 * that keeps size and mtime to the nanosecond is not seen.) That one verification is the only
 * hash of a member (issue 15): a native run's load and the renderer's worker take the members as
 * verified, since the model route serves files only of a folder verified at its current
 * fingerprint, and `load` checks the same. A broken folder is listed with its one-sentence
 * reason, never thrown: one bad model must not hide the others.
 *
 * Plain Node; no Electron.
 */
import { mkdir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { modelFileUrl, type ModelEntry, type ModelSource } from '../../src-shared/api/inferenceChannels';
import type { Result } from '../../src-shared/api/contract';
import { loadModelFolder, ModelManifestError, type LoadedModel } from '../../src-shared/inference';
import { fail, ok } from './apiResult';
import { FileRefusal, readRegularFile } from './boundedRead';
import { saveCalibratedModel, type SaveCalibratedInput } from './calibratedModel';
import { decodePathSegments, resolveInside } from './pathGuard';

export interface ModelsServiceOptions {
  /** Models shipped with the app (the repository's models/). */
  bundledDir: string;
  /** The user's models directory; created on first list so the user has a folder to drop into. */
  userDir: string;
}

export interface ModelListing {
  bundledDir: string;
  userDir: string;
  models: ModelEntry[];
}

export interface ModelsService {
  list(): Promise<ModelListing>;
  /** Writes a recalibrated copy of a model as a new version in the user's directory (calibratedModel.ts). */
  saveCalibrated(input: SaveCalibratedInput): Promise<Result<{ key: string }>>;
  /** The bytes of `file` in model folder `folder` of `source`; raw (still percent-encoded) path segments. */
  readFile(rawPath: string): Promise<Result<Uint8Array>>;
  /** A listed model (`<source>/<folder>`) read for a run on this machine: graphs checked, hashes as verified at its fingerprint. */
  load(key: string): Promise<Result<LoadedModel>>;
}

/** Only these files of a folder are served: the manifest and ONNX members (not training scripts, not data). */
const SERVABLE = /^(model\.json|[^/\\]+\.onnx)$/;

/**
 * Size caps for a model folder's files, checked before reading: a manifest is a few KB, and the
 * largest segmentation networks Quorum runs in a browser are a few hundred MB per member.
 */
const MAX_MANIFEST_BYTES = 1 << 20;
const MAX_MEMBER_BYTES = 1 << 30;

/** A model file's bytes through the bounded reader (regular files only, size cap, timeout). */
function readModelFileBytes(file: string): Promise<Uint8Array> {
  return readRegularFile(file, { maxBytes: path.basename(file) === 'model.json' ? MAX_MANIFEST_BYTES : MAX_MEMBER_BYTES });
}

/** Names, sizes and mtimes (ns) of a folder's plain files: what the validation cache is keyed on. */
async function folderFingerprint(folderPath: string): Promise<string> {
  const entries = await readdir(folderPath, { withFileTypes: true }).catch(() => []);
  const parts: string[] = [];
  for (const e of entries.filter((x) => x.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const st = await stat(path.join(folderPath, e.name), { bigint: true }).catch(() => null);
    if (st) parts.push(`${e.name}\u0000${st.size}\u0000${st.mtimeNs}`);
  }
  return parts.join('\n');
}

export function createModelsService(options: ModelsServiceOptions): ModelsService {
  const dirs: Record<ModelSource, string> = { bundled: path.resolve(options.bundledDir), user: path.resolve(options.userDir) };
  const validated = new Map<string, { fingerprint: string; entry: ModelEntry }>();

  async function describeCached(source: ModelSource, folder: string, folderPath: string): Promise<ModelEntry> {
    const fingerprint = await folderFingerprint(folderPath);
    const hit = validated.get(folderPath);
    if (hit && hit.fingerprint === fingerprint) return hit.entry;
    const entry = await describeFolder(source, folder, folderPath);
    validated.set(folderPath, { fingerprint, entry });
    return entry;
  }

  async function listSource(source: ModelSource): Promise<ModelEntry[]> {
    const dir = dirs[source];
    if (source === 'user') await mkdir(dir, { recursive: true }).catch(() => undefined);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    const out: ModelEntry[] = [];
    for (const folder of folders.sort()) {
      const folderPath = path.join(dir, folder);
      // Folders without model.json (models/train/, the recipe) are not models: skip them quietly.
      // stat, not a read: a model.json that is a FIFO or a device is listed with its error below.
      const hasManifest = await stat(path.join(folderPath, 'model.json')).then(
        () => true,
        () => false,
      );
      if (!hasManifest) continue;
      out.push(await describeCached(source, folder, folderPath));
    }
    return out;
  }

  return {
    saveCalibrated: (input) => saveCalibratedModel(dirs, input),

    async list() {
      const models = [...(await listSource('bundled')), ...(await listSource('user'))];
      return { bundledDir: dirs.bundled, userDir: dirs.user, models };
    },

    async readFile(rawPath) {
      const decoded = decodePathSegments(rawPath);
      if (!decoded.ok) return decoded;
      const [source, folder, file, ...extra] = decoded.value;
      if ((source !== 'bundled' && source !== 'user') || folder === undefined || file === undefined || extra.length > 0) {
        return fail('not-found', 'Expected api/model/<bundled|user>/<folder>/<file>.');
      }
      if (!SERVABLE.test(file))
        return fail('forbidden-path', `Only model.json and .onnx files of a model folder are served, not "${file}".`);
      const root = await realpath(dirs[source]).catch(() => null);
      if (root === null) return fail('not-found', `The ${source} models directory ${dirs[source]} does not exist.`);
      const resolved = await resolveInside(root, [folder, file]);
      if (!resolved.ok) return resolved;
      // The worker loads what this serves without hashing it again: serve only a verified folder.
      const entry = await describeCached(source, folder, path.join(dirs[source], folder));
      if (entry.error !== null) return fail('bad-request', entry.error);
      try {
        return ok(await readModelFileBytes(resolved.value));
      } catch (e) {
        if (e instanceof FileRefusal) return fail(e.reason === 'too-large' ? 'too-large' : 'forbidden-path', e.message);
        throw e;
      }
    },

    async load(key) {
      const [source, folder, ...extra] = key.split('/');
      if ((source !== 'bundled' && source !== 'user') || !folder || extra.length > 0)
        return fail('not-found', `No model "${key}": expected <bundled|user>/<folder> from the model list.`);
      const root = await realpath(dirs[source]).catch(() => null);
      if (root === null) return fail('not-found', `The ${source} models directory ${dirs[source]} does not exist.`);
      // Through its manifest: resolveInside admits regular files only, and a folder without one is no model.
      const manifest = await resolveInside(root, [folder, 'model.json']);
      if (!manifest.ok) return manifest;
      const entry = await describeCached(source, folder, path.join(dirs[source], folder));
      if (entry.error !== null) return fail('bad-request', entry.error);
      try {
        return ok(await loadModelFolder(memberReader(path.dirname(manifest.value)), folderLabel(source, folder), 'verified'));
      } catch (e) {
        return fail('bad-request', e instanceof Error ? e.message : String(e));
      }
    },
  };
}

const folderLabel = (source: ModelSource, folder: string): string => `${source === 'user' ? 'user model' : 'model'} folder "${folder}"`;

/**
 * Reads a folder's files for loadModelFolder. Member names are validated by the manifest schema
 * (plain names), so join cannot leave the folder. A missing file is reported by loadModelFolder as
 * missing; a refused one (a device, a FIFO, too big, too slow) throws with its own reason.
 */
function memberReader(folderPath: string): (name: string) => Promise<Uint8Array | undefined> {
  return (name) =>
    readModelFileBytes(path.join(folderPath, name)).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    });
}

async function describeFolder(source: ModelSource, folder: string, folderPath: string): Promise<ModelEntry> {
  const base = { key: `${source}/${folder}`, source, folder };
  try {
    const loaded = await loadModelFolder(memberReader(folderPath), folderLabel(source, folder));
    const m = loaded.manifest;
    return {
      ...base,
      error: null,
      model: {
        id: m.id,
        name: m.name,
        version: m.version,
        license: m.license,
        intendedUse: m.intendedUse,
        modality: m.modality,
        channels: m.channels,
        labels: [...m.output.labels],
        activation: m.output.activation,
        memberCount: m.members.length,
      },
      files: ['model.json', ...m.members.map((x) => x.file)].map((name) => ({ name, url: modelFileUrl(source, folder, name) })),
      webgpu: {
        canRun: loaded.webgpu.canRunOnWebGpu,
        blocking: [...loaded.webgpu.blocking],
        warnings: [...loaded.webgpu.warnings],
        ops: Object.fromEntries(loaded.webgpu.opCounts),
      },
    };
  } catch (e) {
    const message =
      e instanceof ModelManifestError
        ? e.message
        : `model folder "${folder}" could not be read: ${e instanceof Error ? e.message : String(e)}`;
    return { ...base, error: message, model: null, files: [], webgpu: null };
  }
}
