import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { SCREENSHOTS, usePage } from './helpers';

usePage();

const templates = readdirSync('examples').filter((f) => f.endsWith('.unroll.json'));

test('the palette lists every template below the node kinds; one click opens it, search narrows the list', async ({ page }) => {
  const list = page.getByTestId('palette-templates');
  await expect(list.locator('[data-testid^="palette-template-"]')).toHaveCount(templates.length);
  await page.getByTestId('palette-template-seq2seq-attention-reverse').click();
  await expect(page.getByTestId('doc-name')).toContainText('Seq2seq with attention');
  await expect(page.getByTestId('node-attn')).toBeVisible();
  await page.getByTestId('palette-templates').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/palette-templates.png` });
  await page.getByTestId('palette-search').fill('tagger');
  await expect(list.locator('[data-testid^="palette-template-"]')).toHaveCount(2);
  await page.getByTestId('palette-template-bilstm-tagger').click();
  await expect(page.getByTestId('doc-name')).toContainText('Bidirectional LSTM tagger');
});
