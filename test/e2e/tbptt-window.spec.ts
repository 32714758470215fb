import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
// Room for the dashboard's views beside the canvas (the screenshot goes into the user guide).
test.use({ viewport: { width: 1600, height: 1000 } });

test('truncated BPTT (k1 = 5, k2 = 10) is drawn on the time axis of the gradient through time; full BPTT draws nothing', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'gru-adding');
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('adding');
  await expect(page.getByTestId('train-param-T')).toHaveValue('30');
  await page.getByTestId('train-k1').fill('5');
  await page.getByTestId('train-k2').fill('10');
  await page.getByTestId('train-steps').fill('30');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  await page.getByTestId('insight-tab-gradients').click();
  const legend = page.getByTestId('gtt-tbptt-legend');
  await expect(legend).toHaveAttribute('data-k1', '5');
  await expect(legend).toHaveAttribute('data-k2', '10');
  await expect(legend).toContainText('chunk every k1 = 5 steps');
  await expect(legend).toContainText('window k2 = 10 steps');

  // One strip per recurrent value over its heatmap of T = 30 steps: 6 chunks, boundaries after 5, 10, …, 25.
  const strips = page.locator('[data-testid^="gtt-tbptt-"][data-chunks]');
  await expect(strips.first()).toBeVisible();
  const count = await strips.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const strip = strips.nth(i);
    await expect(strip).toHaveAttribute('data-steps', '30');
    await expect(strip).toHaveAttribute('data-chunks', '6');
    await expect(strip).toHaveAttribute('data-boundaries', '5,10,15,20,25');
    await expect(strip).toHaveAttribute('data-lanes', '2');
    const name = (await strip.getAttribute('data-testid'))!.slice('gtt-tbptt-'.length);
    const windows = await page.locator(`[data-testid^="gtt-window-${name}-"]`).evaluateAll((els) => els.map((el) => [el.getAttribute('data-chunk'), el.getAttribute('data-first'), el.getAttribute('data-last'), el.getAttribute('data-window-first'), el.getAttribute('data-lane')].map(Number)));
    expect(windows).toEqual([
      [1, 1, 5, 1, 0],
      [2, 6, 10, 1, 1],
      [3, 11, 15, 6, 0],
      [4, 16, 20, 11, 1],
      [5, 21, 25, 16, 0],
      [6, 26, 30, 21, 1],
    ]);
    // Drawn where the heatmap's columns are: window 3 starts at the left edge of column 6 and ends at the right edge of column 15.
    const map = await page.getByTestId(`gtt-heatmap-${name}`).boundingBox();
    const w3 = await page.getByTestId(`gtt-window-${name}-3`).boundingBox();
    const b5 = await page.getByTestId(`gtt-boundary-${name}-5`).boundingBox();
    const plotLeft = map!.x + 52;
    const plotWidth = map!.width - 52 - 88;
    expect(w3!.x).toBeCloseTo(plotLeft + (5 / 30) * plotWidth, -0.5);
    expect(w3!.x + w3!.width).toBeCloseTo(plotLeft + (15 / 30) * plotWidth, -0.5);
    expect(b5!.x).toBeCloseTo(plotLeft + (5 / 30) * plotWidth, -0.5);
    expect(b5!.y).toBeGreaterThanOrEqual(map!.y);
  }
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit animates
  await page.screenshot({ path: `${SCREENSHOTS}/tbptt-window.png` });

  // Full BPTT again: no truncation window.
  await page.getByTestId('train-k1').fill('');
  await page.getByTestId('train-k2').fill('');
  await page.getByTestId('train-steps').fill('5');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  await expect(page.locator('[data-testid^="gtt-ratio-"]').first()).toBeVisible();
  await expect(page.getByTestId('gtt-tbptt-legend')).toHaveCount(0);
  await expect(page.locator('[data-testid^="gtt-window-"]')).toHaveCount(0);
});
