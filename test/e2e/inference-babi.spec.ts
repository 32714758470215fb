import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
test.use({ viewport: { width: 1600, height: 1000 } });

const PLACES = ['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom'];

test('the key–value memory network, trained briefly, answers a typed story with a place and shows where each hop looked', async ({ page }) => {
  test.setTimeout(150_000);
  await openExample(page, 'kv-memory-babi');
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-steps').fill('300');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });

  await page.getByTestId('inference-toggle').click();
  await expect(page.getByTestId('inference-mode')).toHaveAttribute('data-mode', 'classify');
  // The story is typed as words: the hint says how, the example is a story of the task, and no vector is asked for.
  await expect(page.getByTestId('inference-hint')).toContainText('Where is the football?');
  const text = page.getByTestId('inference-text');
  await expect(text).toHaveValue(/^[A-Z][a-z ]+\..* Where is [a-zA-Z ]+\?$/);
  await expect(page.getByTestId('inference-condition')).toHaveCount(0);

  await text.fill('Mary went to the kitchen. John picked up the football. John moved to the garden. Where is the football?');
  await page.getByTestId('inference-run').click();
  const classes = page.getByTestId('inference-classes');
  await expect(classes).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('inference-question')).toHaveText('Where is the football?');
  await expect(page.getByTestId('inference-weights')).toHaveAttribute('data-source', 'session');
  const answer = (await classes.locator('.infer-bar.best .infer-bar-label').textContent()) ?? '';
  console.log(`kv-memory-babi after 300 steps, "Where is the football?" → ${answer}`);
  expect(PLACES).toContain(answer);
  await expect(classes.locator('.infer-bar-label')).toHaveText(PLACES);
  const memory = page.getByTestId('inference-memory-mem');
  await expect(memory).toHaveAttribute('data-hops', '2');
  await expect(memory).toHaveAttribute('data-slots', '3');
  await expect(memory).toContainText('John moved to the garden.');
  await page.getByTestId('inference-panel').screenshot({ path: `${SCREENSHOTS}/inference-babi.png` });

  // A word the model never saw is refused by name, on the story field.
  await text.fill('Mary went to the kitchen. Where is Bob?');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-error')).toContainText('the word "bob" in the question is not one the model knows');
  await expect(page.locator('.infer-field.has-refusal')).toContainText('Story and question');
});
