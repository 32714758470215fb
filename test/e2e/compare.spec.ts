import { expect, test, type Page } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
// Room for the dashboard's views beside the canvas (the screenshots go into the user guide).
test.use({ viewport: { width: 1600, height: 1000 } });

/** Trains the open example's adding task for `steps` steps (batch 16) to the end; the dashboard stays open between examples. */
async function train(page: Page, steps: number): Promise<void> {
  if (!(await page.getByTestId('training-panel').isVisible())) await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('adding');
  await page.getByTestId('train-steps').fill(String(steps));
  await page.getByTestId('train-batchSize').fill('16');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 50_000 });
}

test('runs kept for comparison: RNN and LSTM on the adding problem, loss and gradient overlays, histograms', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page, 'elman-adding');
  await train(page, 40);
  await page.getByTestId('compare-keep').click();
  await expect(page.getByTestId('compare-run')).toHaveCount(1);
  await expect(page.getByTestId('compare-name').first()).toHaveValue('RNN · adding · seed 1');
  await expect(page.getByTestId('compare-keep')).toBeDisabled();

  await openExample(page, 'lstm-adding');
  await train(page, 40);
  // The live LSTM run is drawn over the kept RNN run.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-runs', '1');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-live', 'true');
  await page.getByTestId('compare-keep').click();
  await expect(page.getByTestId('compare-run')).toHaveCount(2);
  const names = await page.getByTestId('compare-name').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
  expect(names.sort()).toEqual(['LSTM · adding · seed 1', 'RNN · adding · seed 1']);

  // Both kept runs in the loss chart (the live run is drawn once, as its kept copy).
  const loss = page.getByTestId('loss-chart');
  await expect(loss).toHaveAttribute('data-runs', '2');
  await expect(loss).toHaveAttribute('data-live', 'false');
  expect(JSON.parse((await loss.getAttribute('data-run-names')) ?? '[]')).toEqual(['RNN · adding · seed 1', 'LSTM · adding · seed 1']);

  // Renaming sticks, and the kept runs survive a reload (local storage).
  await page.getByTestId('compare-name').first().fill('LSTM (40 steps)');
  await expect(loss).toHaveAttribute('data-run-names', JSON.stringify(['RNN · adding · seed 1', 'LSTM (40 steps)']));

  await page.getByTestId('insight-tab-gradients').click();
  const overlay = page.getByTestId('compare-gradient-chart');
  await expect(overlay).toHaveAttribute('data-runs', '2');
  await expect(overlay.locator('.u-legend')).toContainText('RNN · adding · seed 1');
  await expect(overlay.locator('.u-legend')).toContainText('LSTM (40 steps)');
  await page.getByTestId('compare-normalise').check();
  await expect(overlay).toHaveAttribute('data-normalised', 'true');
  await page.screenshot({ path: `${SCREENSHOTS}/compare-runs.png` });

  // Hiding a run takes it out of both overlays.
  await page.getByTestId('compare-visible').last().uncheck();
  await expect(overlay).toHaveAttribute('data-runs', '1');
  await page.getByTestId('compare-visible').last().check();

  await page.getByTestId('insight-tab-params').click();
  const hist = page.getByTestId('param-histograms');
  await expect(hist).toBeVisible();
  await expect(hist).toHaveAttribute('data-step', '25');
  const values = page.getByTestId('hist-values');
  await expect(values).toHaveAttribute('data-bins', '32');
  expect(Number(await values.getAttribute('data-total'))).toBeGreaterThan(0);
  await expect(values.locator('rect')).toHaveCount(32);
  const params = await page.getByTestId('hist-param').locator('option').allTextContents();
  expect(params.length).toBeGreaterThan(1);
  // The recurrent weights of the input gate (16×16 values), with their gradient.
  await page.getByTestId('hist-param').selectOption('cell.W_i');
  await expect(hist).toHaveAttribute('data-param', 'cell.W_i');
  await expect(values).toHaveAttribute('data-total', '256');
  await expect(page.getByTestId('hist-grads')).toHaveAttribute('data-total', '256');
  await page.getByTestId('hist-log').check();
  await hist.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/histograms.png` });

  await page.reload();
  await expect(page.getByTestId('app-info')).toContainText('web');
  if (!(await page.getByTestId('training-panel').isVisible())) await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('compare-run')).toHaveCount(2);
  await page.getByTestId('compare-remove').first().click();
  await expect(page.getByTestId('compare-run')).toHaveCount(1);
});
