import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
// Room for k columns beside the palette and inspector (the screenshots go into the user guide).
test.use({ viewport: { width: 1600, height: 1000 } });

test('the Elman RNN unrolled: k columns, the scrubber, stepping through a batch and checking the RNN’s gradients', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'elman-adding');

  // Folded ⇄ unrolled, from the toolbar and with the U key.
  await page.getByTestId('unrolled-toggle').click();
  const view = page.getByTestId('unrolled-view');
  await expect(view).toHaveAttribute('data-columns', '4');
  await expect(view).toHaveAttribute('data-loops', '1');
  for (const s of [1, 2, 3, 4]) await expect(page.getByTestId(`unrolled-column-s${s}`)).toBeVisible();
  await expect(page.getByTestId('unrolled-node-cell-s3')).toContainText('RNN');
  // the readout after LastStep is drawn once, in the column after the steps
  await expect(page.getByTestId('unrolled-column-post')).toBeVisible();
  await expect(page.locator('[data-testid^="unrolled-node-readout"]')).toHaveCount(1);
  // h carried from step t−1 to t: three state edges between four columns
  await expect(page.locator('.react-flow__edge.edge-state')).toHaveCount(3);
  await page.keyboard.press('u');
  await expect(page.getByTestId('canvas')).toBeVisible();
  await expect(view).toHaveCount(0);
  await page.keyboard.press('u');
  await expect(view).toBeVisible();

  await page.getByTestId('unrolled-k').fill('6');
  await expect(view).toHaveAttribute('data-columns', '6');
  await page.getByTestId('unrolled-k').fill('4');
  await expect(view).toHaveAttribute('data-columns', '4');

  // The scrubber selects a step: its column is highlighted, and the window follows past k.
  const scrub = page.getByTestId('time-scrubber');
  await scrub.fill('3');
  await expect(page.getByTestId('unrolled-column-s3')).toHaveClass(/selected/);
  await expect(page.getByTestId('unrolled-column-s1')).not.toHaveClass(/selected/);
  await scrub.fill('4');
  await expect(page.getByTestId('unrolled-column-s4')).toHaveClass(/selected/);

  // Step through one batch of the adding task (T = 30).
  await page.getByTestId('step-toggle').click();
  await page.getByTestId('step-run').click();
  const position = page.getByTestId('step-position');
  await expect(position).toHaveAttribute('data-phase', 'forward');
  await expect(position).toHaveAttribute('data-t', '1');
  await expect(page.getByTestId('step-summary')).toContainText('30 steps');
  await expect(page.getByTestId('time-step')).toHaveAttribute('data-max', '30');
  await expect(view).toHaveAttribute('data-labels', /^[1-9]/);
  const labels = async (): Promise<number> => Number(await view.getAttribute('data-labels'));
  const atOne = await labels();
  await page.getByTestId('step-next').click();
  await page.getByTestId('step-next').click();
  await expect(position).toHaveAttribute('data-t', '3');
  await expect.poll(labels).toBeGreaterThan(atOne);
  await expect(page.locator('.react-flow__edge-text', { hasText: '‖v‖' }).first()).toBeVisible();
  await expect(page.getByTestId('unrolled-node-cell-s3').getByTestId('unrolled-value')).toContainText('(');
  await expect(page.getByTestId('unrolled-column-s3')).toHaveClass(/selected/);
  await page.screenshot({ path: `${SCREENSHOTS}/step-through.png` });

  // Backward from the last step: the window moves to steps 27–30 and the wires carry gradients.
  await page.getByTestId('step-backward').click();
  await expect(position).toHaveAttribute('data-phase', 'backward');
  await expect(position).toHaveAttribute('data-t', '30');
  await expect(view).toHaveAttribute('data-first', '27');
  await expect(page.locator('.react-flow__edge-text', { hasText: '∂' }).first()).toBeVisible();
  await expect(page.locator('.react-flow__edge-text', { hasText: '‖v‖' })).toHaveCount(0);
  const texts = () => page.locator('.react-flow__edge-text').allTextContents();
  const back30 = await texts();
  await page.getByTestId('step-next').click();
  await expect(position).toHaveAttribute('data-t', '29');
  await expect.poll(texts).not.toEqual(back30);
  await page.getByTestId('step-prev').click();
  await expect(position).toHaveAttribute('data-t', '30');

  // Check the RNN node's gradients from the inspector.
  await page.locator('[data-testid^="unrolled-node-cell-"]').first().click();
  await expect(page.getByTestId('inspector-type')).toContainText('RNN');
  await page.getByTestId('gradcheck-run').click();
  await expect(page.getByTestId('gradcheck-verdict')).toHaveText('pass', { timeout: 20_000 });
  await expect(page.getByTestId('gradcheck-verdict')).toHaveAttribute('data-pass', 'true');
  const rows = page.getByTestId('gradcheck-result').locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(1);
  await expect(rows.first()).toHaveAttribute('data-pass', 'true');

  // A node without weights says so.
  await page.locator('[data-testid^="unrolled-node-last"]').click();
  await page.getByTestId('gradcheck-run').click();
  await expect(page.getByTestId('gradcheck-error')).toContainText('has no weights');
});

test('the scrubber marks the selected step in the gradient and gates views', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'lstm-adding');
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-param-T').fill('12');
  await page.getByTestId('train-steps').fill('20');
  await page.getByTestId('train-batchSize').fill('8');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  await page.getByTestId('unrolled-toggle').click();
  await expect(page.getByTestId('time-step')).toHaveAttribute('data-max', '12');
  await page.getByTestId('time-scrubber').fill('7');
  await expect(page.getByTestId('unrolled-view')).toHaveAttribute('data-first', '4');
  await expect(page.getByTestId('unrolled-column-s7')).toHaveClass(/selected/);
  await page.getByTestId('insight-tab-gradients').click();
  const marker = page.locator('[data-testid^="step-marker-gtt-"]').first();
  await expect(marker).toHaveAttribute('data-step', '7');
  await page.getByTestId('insight-tab-gates').click();
  await expect(page.locator('[data-testid^="step-marker-"]').first()).toHaveAttribute('data-step', '7');
  await page.screenshot({ path: `${SCREENSHOTS}/unrolled.png` });
});
