/**
 * Saving a recalibrated model as a new version (issue 17): a new folder in the user's models
 * directory with the base model's manifest, the new version and the `calibration` (recalibration +
 * provenance), and byte copies of the base's members, so it lists, loads and runs like any model
 * and its results become a rater of their own (model id @ new version). Built in a hidden folder
 * (listing skips names starting with ".") and renamed into place, so a half-written model is never
 * listed.
 *
 * Plain Node; no Electron.
 */
import { copyFile, mkdir, mkdtemp, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../src-shared/api/contract';
import type { ManifestCalibration } from '../../src-shared/calibration/provenance';
import { parseManifest, ModelManifestError, type ModelManifest } from '../../src-shared/inference/manifest';
import { fail, ok } from './apiResult';
import { resolveInside } from './pathGuard';

export interface SaveCalibratedInput {
  /** `<bundled|user>/<folder>` of the model the calibration was fitted for. */
  readonly baseKey: string;
  readonly version: string;
  readonly calibration: ManifestCalibration;
}

/** A folder name from id and version: the characters the manifest allows in an id, others as "-". */
function folderName(id: string, version: string): string {
  return `${id}-${version}`.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
}

export async function saveCalibratedModel(
  dirs: { bundled: string; user: string },
  input: SaveCalibratedInput,
): Promise<Result<{ key: string }>> {
  const [source, folder, ...extra] = input.baseKey.split('/');
  if ((source !== 'bundled' && source !== 'user') || !folder || extra.length > 0)
    return fail('bad-request', `Expected a model key <bundled|user>/<folder>, got "${input.baseKey}".`);
  const root = await realpath(dirs[source]).catch(() => null);
  if (root === null) return fail('not-found', `The ${source} models directory ${dirs[source]} does not exist.`);
  const manifestPath = await resolveInside(root, [folder, 'model.json']);
  if (!manifestPath.ok) return manifestPath;
  let base: ModelManifest;
  try {
    base = parseManifest(await readFile(manifestPath.value, 'utf8'), `model folder "${folder}"`);
  } catch (e) {
    if (e instanceof ModelManifestError) return fail('bad-request', e.message);
    throw e;
  }
  const fitted = input.calibration.provenance.baseModel;
  if (fitted.id !== base.id || fitted.version !== base.version)
    return fail(
      'bad-request',
      `The calibration was fitted for ${fitted.id}@${fitted.version}, but ${input.baseKey} is ${base.id}@${base.version}.`,
    );
  // Results of a calibrated version are what its recalibration was not fitted on: refit on the base.
  if (base.calibration)
    return fail(
      'bad-request',
      `${base.id}@${base.version} is already calibrated; fit the calibration on its base model ${base.calibration.provenance.baseModel.id}@${base.calibration.provenance.baseModel.version} instead.`,
    );
  if (input.version === base.version)
    return fail('bad-request', `The calibrated model needs a version other than the base's "${base.version}".`);
  const manifest: ModelManifest = { ...base, version: input.version, calibration: input.calibration };
  // Validate the result as a reader would (e.g. a calibration on a softmax model is refused here).
  try {
    parseManifest(JSON.stringify(manifest));
  } catch (e) {
    if (e instanceof ModelManifestError) return fail('bad-request', e.message);
    throw e;
  }

  const name = folderName(base.id, input.version);
  await mkdir(dirs.user, { recursive: true });
  const target = path.join(dirs.user, name);
  if (await stat(target).catch(() => null))
    return fail('bad-request', `The user models directory already has a folder "${name}"; choose another version.`);
  const staging = await mkdtemp(path.join(dirs.user, `.${name}-`));
  try {
    for (const member of base.members) {
      const from = await resolveInside(root, [folder, member.file]);
      if (!from.ok) return from;
      await copyFile(from.value, path.join(staging, member.file));
    }
    await writeFile(path.join(staging, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return ok({ key: `user/${name}` });
}
