/**
 * Multi-label projects (issue 14) as a user sets them up: the admin picks a label preset in the
 * Labels dialog, and a rater paints labels with their keys and submits. Shared by the specs that
 * need a project with several certain labels.
 */
import { expect, type Page } from '@playwright/test';
import { LABEL_PRESETS, type LabelPresetId } from '../../src-shared/project/labelTable';
import { brushStroke } from './annotate';
import type { Region } from './colouredPixels';
import type { ProjectApi } from './projectApi';

/** Picks `preset` in the Labels dialog and saves it (an admin must be signed in); checks the stored table. */
export async function chooseLabelPreset(page: Page, api: ProjectApi, admin: string, preset: LabelPresetId): Promise<void> {
  await page.getByTestId('labels-open').click();
  const dialog = page.getByTestId('labels-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('labels-preset').selectOption(preset);
  await expect(dialog.getByRole('textbox', { name: 'Name of label 1' })).toHaveValue(LABEL_PRESETS[preset].labels[0].name);
  await dialog.getByTestId('labels-save').click();
  await expect(dialog).toHaveCount(0);
  expect(await api.call('labels.get', { session: await api.signInAs(admin) })).toEqual(LABEL_PRESETS[preset].labels);
}

export interface LabelStroke {
  readonly label: number;
  readonly region: Region;
}

/** One brush stroke per entry on the axial view, each with its label picked by its key (1–9); the case must be open. */
export async function paintLabels(page: Page, strokes: readonly LabelStroke[]): Promise<void> {
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);
  for (const s of strokes) {
    await page.keyboard.press(String(s.label));
    await expect(page.getByTestId(`label-${s.label}`)).toHaveClass(/on/);
    await brushStroke(page, 'axial', s.region);
  }
}

/** Submits the open case's annotation and returns the submitted version's id. */
export async function submitAnnotation(page: Page): Promise<string> {
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
