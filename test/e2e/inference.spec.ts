import { existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
test.use({ viewport: { width: 1600, height: 1000 } });

/** Opens the dashboard and trains the open example `steps` steps to the end, with small batches. */
async function train(page: Page, steps: number): Promise<void> {
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-steps').fill(String(steps));
  await page.getByTestId('train-batchSize').fill('8');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 50_000 });
}

test('the character LM, trained 20 steps, continues a seed greedily', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'lstm-charlm');
  await train(page, 20);

  // The keyboard shortcut opens the panel (typing elsewhere first: the key must not reach a text field).
  await page.getByTestId('canvas').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('i');
  const panel = page.getByTestId('inference-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('inference-mode')).toHaveAttribute('data-mode', 'generate');

  await page.getByTestId('inference-text').fill('The Fox and the ');
  await page.getByTestId('inference-length').fill('20');
  await expect(page.getByTestId('inference-greedy')).toBeChecked();
  await page.getByTestId('inference-run').click();

  const output = page.getByTestId('inference-output');
  await expect(output).toHaveAttribute('data-tokens', '20', { timeout: 20_000 });
  const text = (await output.getAttribute('data-text')) ?? '';
  console.log(`charlm after 20 steps, greedy from "The Fox and the ": ${JSON.stringify(text)}`);
  expect([...text]).toHaveLength(20);
  await expect(output).toContainText('The Fox and the ');
  await expect(page.getByTestId('inference-weights')).toHaveAttribute('data-source', 'session');
  await expect(page.getByTestId('inference-weights')).toContainText('step 20');
  // Each token carries its probability for the hover.
  const first = page.getByTestId('inference-token-0');
  expect(Number(await first.getAttribute('data-p'))).toBeGreaterThan(0);
  await expect(first).toHaveAttribute('title', /p = .*likeliest/);
  // Greedy is deterministic: running again gives the same text.
  await page.getByTestId('inference-run').click();
  await expect(output).toHaveAttribute('data-text', text);

  await page.getByTestId('inference-token-1').hover();
  await expect(page.getByTestId('inference-readout')).toContainText(/p = \d/);
  await page.screenshot({ path: `${SCREENSHOTS}/inference.png` });

  // A character the model never saw is refused by name, and nothing else changes.
  await page.getByTestId('inference-text').fill('Ω');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-error')).toContainText('"Ω" (U+03A9)');
  await page.getByTestId('inference-close').click();
  await expect(panel).toHaveCount(0);
});

const REVERSE = 'seq2seq-attention-reverse';

test('the attention encoder–decoder translates by beam search and shows where it looked', async ({ page }) => {
  test.skip(!existsSync(`examples/${REVERSE}.unroll.json`), `examples/${REVERSE}.unroll.json is not there`);
  test.setTimeout(120_000);
  await openExample(page, REVERSE);
  await train(page, 60);
  await page.getByTestId('inference-toggle').click();
  await expect(page.getByTestId('inference-mode')).toHaveAttribute('data-mode', 'translate');
  await page.getByTestId('inference-text').fill('ABCD');
  await page.getByTestId('inference-beam').fill('4');
  await page.getByTestId('inference-run').click();
  const output = page.getByTestId('inference-output');
  await expect(output).toHaveAttribute('data-tokens', /^[1-9]/, { timeout: 20_000 });
  console.log(`reverse after 60 steps, beam 4 from ABCD: ${await output.getAttribute('data-text')}`);
  const heatmap = page.locator('[data-testid^="inference-attention-"]').first();
  await expect(heatmap).toBeVisible();
  await expect(heatmap).toHaveAttribute('data-cols', '4');
  await page.screenshot({ path: `${SCREENSHOTS}/inference-attention.png` });
});
