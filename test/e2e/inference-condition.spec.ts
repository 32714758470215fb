import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
test.use({ viewport: { width: 1600, height: 1000 } });

test('a 1→n model asks for its conditioning vector and generates the wave it describes', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page, 'one-to-many-initial-state');
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-steps').fill('100');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  await page.getByTestId('inference-toggle').click();
  await expect(page.getByTestId('inference-mode')).toHaveAttribute('data-mode', 'forecast');
  // It opens with y_0 = 0 and one wave's description from the task: four numbers.
  await expect(page.getByTestId('inference-text')).toHaveValue('0');
  const condition = page.getByTestId('inference-condition');
  await expect(condition).toHaveValue(/^-?[\d.]+(, -?[\d.]+){3}$/);
  await page.getByTestId('inference-steps').fill('24');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-forecast')).toHaveAttribute('data-steps', '24', { timeout: 20_000 });
  await expect(page.getByTestId('inference-weights')).toHaveAttribute('data-source', 'session');
  await page.screenshot({ path: `${SCREENSHOTS}/inference-condition.png` });

  // A short vector is refused by name, on the condition field.
  await condition.fill('1 2');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-error')).toContainText('the condition has 2 values');
  await expect(page.locator('.infer-field.has-refusal')).toContainText('Condition');
});
