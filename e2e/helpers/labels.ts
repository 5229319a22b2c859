/**
 * Multi-label steps as a user takes them (issue 14): an admin picks a label preset; a rater paints
 * labels by key and submits. Shared by the specs that need a project with several certain labels.
 */
import { expect, type Page } from '@playwright/test';
import { LABEL_PRESETS, type LabelEntry, type LabelPresetId } from '../../src-shared/project/labelTable';
import { brushStroke, signInAs, signOut } from './annotate';
import { colouredPixels, type Region } from './colouredPixels';
import type { ProjectApi } from './projectApi';

/** The admin (the project's first identity) picks `preset` in the Labels dialog and saves; checked through the API, then signed out. */
export async function pickLabelPreset(page: Page, api: ProjectApi, preset: LabelPresetId, admin = 'Ada Admin'): Promise<void> {
  await signInAs(page, admin);
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'admin');
  await page.getByTestId('labels-open').click();
  const dialog = page.getByTestId('labels-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('labels-preset').selectOption(preset);
  const second = LABEL_PRESETS[preset].labels[1];
  await expect(dialog.getByRole('textbox', { name: 'Name of label 2' })).toHaveValue(second.name);
  await dialog.getByTestId('labels-save').click();
  await expect(dialog).toHaveCount(0);
  expect(await api.call('labels.get', { session: await api.signInAs(admin) })).toEqual(LABEL_PRESETS[preset].labels);
  await signOut(page);
}

/**
 * On the open case, the signed-in rater paints each stroke with the brush in its label (picked by
 * its key, 1–9 in the picker's order) and submits; returns the submitted version's id.
 */
export interface LabelStroke {
  readonly label: LabelEntry;
  readonly region: Region;
}

export async function paintLabelsAndSubmit(page: Page, strokes: readonly LabelStroke[], view = 'axial'): Promise<string> {
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);
  for (const { label, region } of strokes) {
    await expect(page.getByTestId(`label-${label.value}`)).toContainText(label.name);
    await page.keyboard.press(String(label.value));
    await expect(page.getByTestId(`label-${label.value}`)).toHaveClass(/on/);
    await brushStroke(page, view, region);
    await expect.poll(() => colouredPixels(page, view, region)).toBeGreaterThan(20);
  }
  const status = page.getByTestId('annotation-status');
  await page.getByTestId('submit-annotation').click();
  await expect(status).toHaveAttribute('data-status', 'submitted');
  const version = (await status.getAttribute('data-version')) ?? '';
  expect(version).toMatch(/^ver_/);
  return version;
}

/** MetricsReloaded's Dice of one label: 2TP / (2TP + FP + FN), 1 when neither map holds the label (its dsc rule). */
export function labelDice(ref: Uint8Array, pred: Uint8Array, label: number): number {
  let tp = 0,
    r = 0,
    p = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ref[i] === label,
      b = pred[i] === label;
    if (a) r++;
    if (b) p++;
    if (a && b) tp++;
  }
  return r + p === 0 ? 1 : (2 * tp) / (r + p);
}
