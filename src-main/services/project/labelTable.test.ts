/**
 * The label table (issue 14) in the store: the migration that gives a project made with the
 * schema-6 SQL the stroke table with every mask still readable as it was, the table's rules, and
 * the refusal of an edit that drops a value some version holds.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL_PRESETS, labelTableProblems, type LabelTable } from '../../../src-shared/project/labelTable';
import { storeAnnotationFile } from './annotationFiles';
import { newId } from './context';
import { ProjectError } from './errors';
import { encodeLabelmap } from './maskCodec';
import { DB_FILE, ProjectStore } from './ProjectStore';
import { MIGRATIONS } from './schema';
import { Db } from './sqlite';
import { APP_VERSION, GRID, labelmapWith, populated, tempDir } from './testSupport';

const opened: ProjectStore[] = [];
afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
});

async function refusal(fn: () => Promise<unknown>): Promise<ProjectError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ProjectError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('label table', () => {
  it('migrates a project made before label tables to lesion = 1, uncertain = 2, every mask read back unchanged', async () => {
    const dir = tempDir();
    const before = MIGRATIONS.findIndex((m) => m.description.startsWith('label table'));
    expect(before).toBe(6);
    const old = await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true, migrations: MIGRATIONS.slice(0, before) });
    const admin = await old.signIn((await old.createIdentity('Ada', 'admin')).raterId);
    const alice = await old.createRater(admin, 'Alice', 'annotator');
    const { caseId } = await old.addCase(admin, {
      name: 'case-A',
      source: 'nifti',
      series: [{ label: 'T1', path: 'a.nii.gz', geometry: GRID }],
    });
    old.close();
    // A mask as the old editor saved it (lesion and uncertain voxels), written as its store did.
    const mask = labelmapWith([7, 8], 2, labelmapWith([1, 2, 3]));
    const file = storeAnnotationFile(path.join(dir, 'annotations'), encodeLabelmap(GRID, mask));
    const raw = new Db(path.join(dir, DB_FILE));
    const versionId = newId('ver');
    raw.run(
      `INSERT INTO annotation_versions (version_id, case_id, rater_id, file_hash, file_name, created_at, status, no_lesion, app_version, origin)
       VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', 'submitted', 0, 'old', 'editor')`,
      [versionId, caseId, alice.raterId, file.hash, file.fileName],
    );
    raw.close();

    const store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
    opened.push(store);
    expect(store.openReport.migration).toMatchObject({ from: before, to: MIGRATIONS.length });
    expect(await store.labels(admin)).toEqual(LABEL_PRESETS.stroke.labels);
    expect(await store.readVersionLabelmap(admin, versionId)).toEqual(mask);
    // Both of its values are in use now: the table cannot drop either.
    expect((await refusal(() => store.setLabels(admin, LABEL_PRESETS.stroke.labels.slice(0, 1)))).message).toContain(
      '2 (Uncertain) in 1 version',
    );
  });

  it('refuses a table that breaks a rule, naming each problem', async () => {
    const entry = { value: 1, name: 'Core', colour: '#ff0000', uncertain: false };
    const problems = (t: LabelTable) => labelTableProblems(t).join(' | ');
    expect(problems([entry, { ...entry, name: 'Penumbra' }])).toContain('value 1 is used by two labels');
    expect(problems([entry, { ...entry, value: 2, name: 'core' }])).toContain('the name "core" is used by two labels');
    expect(problems([{ ...entry, value: 0 }])).toContain('value 0 is not an integer from 1 to 255');
    expect(problems([{ ...entry, colour: 'red' }])).toContain('colour "red" is not of the form #rrggbb');
    expect(
      problems([entry, { ...entry, value: 2, name: 'A', uncertain: true }, { ...entry, value: 3, name: 'B', uncertain: true }]),
    ).toContain('only one label may be "uncertain", not "A" and "B"');
    expect(problems([{ ...entry, uncertain: true }])).toContain('at least one label that is not "uncertain"');
    for (const preset of Object.values(LABEL_PRESETS)) expect(labelTableProblems(preset.labels)).toEqual([]);

    const { store, admin, alice } = await populated();
    opened.push(store);
    const bad = await refusal(() => store.setLabels(admin, [entry, { ...entry, name: 'Again' }]));
    expect(bad.code).toBe('bad-request');
    expect((await refusal(() => store.setLabels(alice, LABEL_PRESETS['core-penumbra'].labels))).code).toBe('forbidden');
    expect(await store.labels(alice)).toEqual(LABEL_PRESETS.stroke.labels);
  });

  it('keeps the values of the table and refuses to drop one an annotation holds, with its version count', async () => {
    const { store, admin, alice, bob, caseA } = await populated();
    opened.push(store);
    const covid = LABEL_PRESETS['covid-ct'].labels;
    expect(await store.setLabels(admin, covid)).toEqual(covid);
    // Values 3 and 4 are labels now; 5 is not, and the refusal lists what it found.
    const three = labelmapWith([10, 11], 3, labelmapWith([0]));
    const v = await store.saveLabelmap(alice, { caseId: caseA.caseId, labelmap: three, status: 'submitted' });
    expect(await store.readVersionLabelmap(alice, v.versionId)).toEqual(three);
    await store.saveLabelmap(alice, { caseId: caseA.caseId, labelmap: three, status: 'draft' });
    await store.saveLabelmap(bob, { caseId: caseA.caseId, labelmap: labelmapWith([5], 4), status: 'draft' });
    const five = await refusal(() =>
      store.saveLabelmap(bob, { caseId: caseA.caseId, labelmap: labelmapWith([5, 6], 5, labelmapWith([4], 9)), status: 'draft' }),
    );
    expect(five).toMatchObject({ code: 'bad-labels' });
    expect(five.message).toMatch(/outside \{0, 1, 2, 3, 4\}.*found 9, 5/);

    // The stroke table drops 3 and 4: two versions hold 3 (one file), one holds 4.
    const drop = await refusal(() => store.setLabels(admin, LABEL_PRESETS.stroke.labels));
    expect(drop.code).toBe('bad-labels');
    expect(drop.message).toContain('3 (Consolidation) in 2 versions, 4 (Uncertain) in 1 version');
    expect(await store.labels(admin)).toEqual(covid);
    // Renaming and recolouring keep every value: allowed, and audited with both tables.
    const renamed = covid.map((l) => (l.value === 1 ? { ...l, name: '  Lung parenchyma ', colour: '#ABCDEF' } : l));
    expect((await store.setLabels(admin, renamed))[0]).toEqual({ value: 1, name: 'Lung parenchyma', colour: '#abcdef', uncertain: false });
    const audit = (await store.auditLog(admin)).filter((e) => e.action === 'labels.set');
    expect(audit).toHaveLength(2);
    expect(audit.map((e) => JSON.parse(e.detail) as unknown)).toContainEqual({ before: covid, after: await store.labels(admin) });
  });
});
