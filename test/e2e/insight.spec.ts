import { expect, test, type Page } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
// Room for the dashboard's views beside the canvas (the screenshots go into the user guide).
test.use({ viewport: { width: 1600, height: 1000 } });

/** Opens the dashboard, sets the adding task to T = 50 and trains `steps` steps to the end. */
async function train(page: Page, steps: number): Promise<void> {
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('adding');
  await page.getByTestId('train-param-T').fill('50');
  await page.getByTestId('train-steps').fill(String(steps));
  await page.getByTestId('train-batchSize').fill('16');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 50_000 });
}

/** The ratio ‖∂L/∂h_1‖/‖∂L/∂h_T‖ of every recurrent value in the gradient view, first and latest record. */
async function ratios(page: Page): Promise<{ name: string; first: number; last: number; firstStep: number; lastStep: number }[]> {
  const figures = page.locator('[data-testid^="gtt-ratio-"]');
  await expect(figures.first()).toBeVisible();
  return figures.evaluateAll((els) =>
    els.map((el) => ({
      name: (el.getAttribute('data-testid') ?? '').slice('gtt-ratio-'.length),
      first: Number(el.getAttribute('data-first')),
      last: Number(el.getAttribute('data-last')),
      firstStep: Number(el.getAttribute('data-first-step')),
      lastStep: Number(el.getAttribute('data-last-step')),
    })),
  );
}

test('the vanilla RNN on the adding problem (T = 50): gradient through time and parameter norms', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'elman-adding');
  await train(page, 150);

  await page.getByTestId('insight-tab-gradients').click();
  const found = await ratios(page);
  console.log(`elman-adding T=50, 150 steps: ${JSON.stringify(found)}`);
  expect(found.length).toBeGreaterThan(0);
  for (const r of found) {
    expect(Number.isFinite(r.first) && Number.isFinite(r.last)).toBe(true);
    expect(r.lastStep).toBe(150);
    await expect(page.getByTestId(`gtt-heatmap-${r.name}`)).toHaveAttribute('data-steps', '50');
  }
  await expect(page.getByTestId('gtt-global-norm')).toHaveAttribute('data-points', '150');
  await expect(page.getByTestId('gtt-global-norm').locator('.u-legend')).toContainText('pre-clip norm');
  console.log(`elman-adding clipping: ${await page.getByTestId('gtt-clip-count').textContent()}`);
  await page.screenshot({ path: `${SCREENSHOTS}/gradient-through-time.png` });

  await page.getByTestId('insight-tab-params').click();
  await expect(page.getByTestId('params-chart')).toHaveAttribute('data-points', '150');
  expect(Number(await page.getByTestId('insight-params').getAttribute('data-params'))).toBeGreaterThan(1);

  // The Elman RNN has no gates: the view says so and shows its hidden state.
  await page.getByTestId('insight-tab-gates').click();
  await expect(page.locator('[data-testid^="state-heatmap-"]').first()).toBeVisible();

  await page.getByTestId('insight-tab-loss').click();
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '150');
});

test('the LSTM on the adding problem (T = 50): gradient through time, gate saturation', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'lstm-adding');
  await train(page, 150);

  await page.getByTestId('insight-tab-gradients').click();
  const found = await ratios(page);
  console.log(`lstm-adding T=50, 150 steps: ${JSON.stringify(found)}`);
  expect(found.length).toBeGreaterThan(0);
  for (const r of found) expect(Number.isFinite(r.first) && Number.isFinite(r.last)).toBe(true);

  await page.getByTestId('insight-tab-gates').click();
  const sats = page.locator('[data-testid^="gate-sat-"]');
  await expect(sats).toHaveCount(3);
  const shares = await sats.evaluateAll((els) => els.map((el) => ({ gate: (el.getAttribute('data-testid') ?? '').slice('gate-sat-'.length), below: Number(el.getAttribute('data-below')), above: Number(el.getAttribute('data-above')) })));
  console.log(`lstm-adding gate saturation at step 150: ${JSON.stringify(shares)}`);
  for (const s of shares) {
    expect(Number.isFinite(s.below) && Number.isFinite(s.above)).toBe(true);
    expect(s.below + s.above).toBeLessThanOrEqual(1);
  }
  await page.screenshot({ path: `${SCREENSHOTS}/gates.png` });
});
