/**
 * The model list on a case no model accepts (issue 11, item 17): with the T1 open, the demo DWI model
 * cannot be picked and the panel says why (what the model needs, what the case is) instead of an
 * empty choice or a failure at Run; with the DWI open, the same model can run.
 *
 * What the model needs comes from its manifest, read here from the file: its first channel is the
 * high-b DWI image, which a T1 (no b-values) cannot give and the demo DWI (b = 5, 5, 1500) can.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openAppSignedIn } from './helpers/openApp';
import { openCaseByName } from './helpers/openCase';

const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'models', 'demo-dwi-lesion', 'model.json'), 'utf8')) as {
  name: string;
  channels: Array<{ id: string }>;
};

test('says why no model accepts a T1, and offers the demo model again on the DWI', async ({ page }) => {
  expect(manifest.channels[0].id).toBe('dwi_b1000');
  await openAppSignedIn(page);
  const { shown } = await openCaseByName(page, /T1/);

  const why = page.getByTestId('model-none-fits');
  // Every model's reason is listed (the multi-class CT demo's too); this one's says what it needs.
  await expect(why).toContainText('No model accepts this case: ');
  await expect(why).toContainText(`${manifest.name} needs a DWI with a high b-value`);
  await expect(why).toContainText('this case is an MR image with no b-values');
  await expect(page.getByTestId('inference-run')).toBeDisabled();
  await expect(page.getByTestId('model-select').locator('option', { hasText: manifest.name })).toHaveText(/not for this case/);
  await expect(page.getByTestId('model-select').locator('option', { hasText: manifest.name })).toBeDisabled();

  await openCaseByName(page, /DWI/, shown);
  await expect(why).toHaveCount(0);
  await expect(page.getByTestId('model-refusal')).toHaveCount(0);
  await expect(page.getByTestId('model-select')).toHaveValue('bundled/demo-dwi-lesion');
  await expect(page.getByTestId('inference-run')).toBeEnabled();
});
