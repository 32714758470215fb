import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();

test('the scheduled-sampling template charts its teacher-forcing ratio as it falls, and answers in Try it', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'seq2seq-scheduled-sampling');
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-steps').fill('40');
  await page.getByTestId('train-backend').selectOption('f32');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  // ρ falls linearly from 1 to 0.25 over 400 steps: step s (1-based) draws with 1 − 0.75·(s − 1)/400.
  const chart = page.getByTestId('metric-chart-tf.teacherRatio');
  await expect(chart).toHaveAttribute('data-points', '40');
  expect(Number(await chart.getAttribute('data-last'))).toBeCloseTo(1 - (0.75 * 39) / 400, 6);
  await expect(page.getByText('Teacher-forcing ratio ρ (tf)')).toBeVisible();
  // one loss: its accuracy chart is not named after the loss node
  await expect(page.getByText('Accuracy', { exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/scheduled-sampling.png` });

  // Decoding feeds the decoder its own chosen prefix: beam search answers with tokens and an end.
  await page.getByTestId('inference-toggle').click();
  await expect(page.getByTestId('inference-mode')).toHaveAttribute('data-mode', 'translate');
  await page.getByTestId('inference-text').fill('ABCD');
  await page.getByTestId('inference-beam').fill('3');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-output')).toHaveAttribute('data-tokens', /^[1-9]/, { timeout: 20_000 });
});
