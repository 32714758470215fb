import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { restore } from '../../src/graph/restore';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();

/** Exports the document with its weights and returns its training block. */
async function exportedTraining(page: Page) {
  await page.getByTestId('file-menu').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('menu-export-weights').click();
  const r = restore(readFileSync(await (await download).path(), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.doc.training;
}

test('the Pascanu regulariser: turned on for the Elman example, trained, Ω charted beside the loss, kept in the document', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page, 'elman-adding');
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();

  const on = page.getByTestId('train-pascanu');
  const lambda = page.getByTestId('train-pascanuLambda');
  const cell = page.getByTestId('train-pascanu-node-cell');
  await expect(page.getByTestId('train-pascanu-box')).toContainText('Gradient-norm regulariser (Pascanu)');
  await expect(on).not.toBeChecked();
  await expect(lambda).toHaveValue('1');
  await expect(lambda).toBeDisabled();

  // Truncated BPTT makes it unavailable, and says why.
  await page.getByTestId('train-k1').fill('5');
  await expect(on).toBeDisabled();
  await expect(page.getByTestId('train-pascanu-unavailable')).toContainText('Unavailable under truncated BPTT');
  await page.getByTestId('train-k1').fill('');
  await expect(on).toBeEnabled();

  // On: every cell by default (the example has one, "cell").
  await on.check();
  await expect(lambda).toBeEnabled();
  await expect(cell).toBeChecked();
  // No node chosen: the engine's own message, live, beside the control.
  await cell.uncheck();
  await expect(page.getByTestId('train-error-pascanu')).toHaveText('name at least one RNN, LSTM or GRU node whose Ω to add');
  await cell.check();
  await expect(page.getByTestId('train-error-pascanu')).toHaveCount(0);
  // A bad λ is named when Start is pressed, and nothing starts.
  await lambda.fill('-1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error-pascanuLambda')).toHaveText('Enter a number of at least 0.');
  await expect(page.getByTestId('train-status')).toHaveCount(0);
  await lambda.fill('0.5');

  await page.getByTestId('train-param-T').fill('10');
  await page.getByTestId('train-steps').fill('60');
  await page.getByTestId('train-batchSize').fill('16');
  await page.getByTestId('train-backend').selectOption('reference');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('train-error-pascanuLambda')).toHaveCount(0);

  // Ω has its own chart beside the loss and the MSE, with a point per step.
  const omega = page.getByTestId('metric-chart-pascanu.omega');
  await expect(omega).toHaveAttribute('data-points', '60');
  await expect(omega).toHaveAttribute('aria-label', 'Ω (gradient-norm regulariser)');
  const last = Number(await omega.getAttribute('data-last'));
  expect(Number.isFinite(last) && last >= 0).toBe(true);
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '60');
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-points', '60');
  await expect(page.locator('.train-chart')).toHaveCount(3);
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit animates
  // Three charts side by side, each within its third of the chart area.
  const widths = await page.locator('.train-chart').evaluateAll((els) => els.map((e) => (e as HTMLElement).offsetWidth));
  const area = await page.locator('.train-charts').evaluate((e) => (e as HTMLElement).clientWidth);
  for (const w of widths) expect(w).toBeLessThanOrEqual(area / 3);
  // The picture: a wider window gives the three charts room; the form scrolled to the regulariser.
  await page.setViewportSize({ width: 1680, height: 900 });
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400);
  await page.getByTestId('train-pascanu-box').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/pascanu.png` });

  // Keep: the run's config, regulariser included, goes into the document as one undo step.
  await page.getByTestId('train-keep').click();
  await expect(page.getByTestId('train-kept')).toContainText('60');
  expect((await exportedTraining(page))?.pascanu).toEqual({ nodes: ['cell'], lambda: 0.5 });
  await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await expect(on).not.toBeChecked();
  expect((await exportedTraining(page))?.pascanu).toBeUndefined();
  await page.keyboard.press('Control+Shift+z');
  await expect(on).toBeChecked();
  await expect(lambda).toHaveValue('0.5');
});

test('the Pascanu control is unavailable for a graph without an RNN, LSTM or GRU node, and says why', async ({ page }) => {
  await openExample(page, 'leaky-adding');
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-pascanu')).toBeDisabled();
  await expect(page.getByTestId('train-pascanu-unavailable')).toHaveText('Unavailable: the graph has no RNN, LSTM or GRU node. The regulariser is for these cells.');
});
