import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
// Room for the dashboard's views beside the canvas (the screenshot goes into the user guide).
test.use({ viewport: { width: 1600, height: 1000 } });

/** Two attention nodes on the copy task (T = 8): SelfAttention `sa` over the tokens, local Attention `attn` of a GRU decoder over a GRU encoder. */
const FIXTURE = readFileSync('test/e2e/fixtures/copy-attention.unroll.json', 'utf8');

/** Clicks Open… and hands the browser's file picker `text` as `name`. */
async function openFile(page: Page, name: string, text: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open').click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('the attention tab says so when the graph has no attention node', async ({ page }) => {
  await openExample(page, 'gru-parity');
  await page.getByTestId('training-toggle').click();
  await page.getByTestId('insight-tab-attention').click();
  await expect(page.getByTestId('insight-attention').getByTestId('insight-empty')).toContainText('no attention node');
});

test('a graph with attention: alignment matrices of the recorded sample, a node picker, local centres and a hover readout', async ({ page }) => {
  test.setTimeout(90_000);
  await openFile(page, 'copy-attention.unroll.json', FIXTURE);
  await expect(page.getByTestId('start-page')).toHaveCount(0);
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('copy');
  await page.getByTestId('insight-tab-attention').click();
  await expect(page.getByTestId('insight-attention').getByTestId('insight-empty')).toContainText('Train to see the alignment');

  await page.getByTestId('train-steps').fill('150');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  const view = page.getByTestId('insight-attention');
  await expect(view).toHaveAttribute('data-step', '150');
  await expect(view).toHaveAttribute('data-nodes', '2');
  // Copy with L = 3, D = 2: T = 2L + D = 8 output steps over 8 input steps, for both nodes.
  const attn = page.getByTestId('attention-heatmap-attn');
  const sa = page.getByTestId('attention-heatmap-sa');
  for (const map of [attn, sa]) {
    await expect(map).toHaveAttribute('data-rows', '8');
    await expect(map).toHaveAttribute('data-cols', '8');
  }
  await expect(attn).toHaveAttribute('data-kind', 'attend');
  await expect(attn).toHaveAttribute('data-marks', '8'); // local attention: p_i on every row
  await expect(sa).toHaveAttribute('data-kind', 'self');
  await expect(sa).toHaveAttribute('data-marks', '0');
  // The canvas really holds a drawn grid: its pixels are not all one colour.
  const colours = await attn.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<string>();
    for (let k = 0; k < d.length; k += 4 * 7) seen.add(`${d[k]},${d[k + 1]},${d[k + 2]}`);
    return seen.size;
  });
  expect(colours).toBeGreaterThan(10);

  // Hovering a cell reads out (i, t, α) and the row's centre.
  const box = (await attn.boundingBox())!;
  await page.mouse.move(box.x + 52 + 3, box.y + 8 + 3);
  const tip = page.getByTestId('attention-heatmap-attn-tip');
  await expect(tip).toBeVisible();
  // copy: the rows name the output token of each step (blank until GO), the columns the input tokens
  await expect(tip).toContainText(/^i = 1 “·”, t = 1 “[A-Z]”, α = [01]\.\d{3}, p_i = /);
  const rowTokens = JSON.parse((await attn.getAttribute('data-row-tokens'))!) as string[];
  const colTokens = JSON.parse((await attn.getAttribute('data-col-tokens'))!) as string[];
  expect(colTokens).toHaveLength(8);
  expect(colTokens.slice(3)).toEqual(['·', 'GO', '·', '·', '·']);
  expect(rowTokens.slice(5)).toEqual(colTokens.slice(0, 3)); // the last L outputs copy the first L inputs
  expect(JSON.parse((await sa.getAttribute('data-row-tokens'))!)).toEqual(colTokens);

  // The picker narrows the view to one node.
  await page.getByTestId('attention-picker').selectOption('attn');
  await expect(page.locator('[data-testid^="attention-heatmap-"][role="img"]')).toHaveCount(1);
  await expect(attn).toBeVisible();
  await page.getByTestId('attention-picker').selectOption('');
  await expect(page.locator('[data-testid^="attention-heatmap-"][role="img"]')).toHaveCount(2);
});

test('the seq2seq reverse example: one alignment matrix, τ′ = τ + 1 output steps over τ input steps', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page, 'seq2seq-attention-reverse');
  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('reverse');
  await page.getByTestId('train-steps').fill('300');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 100_000 });
  await page.getByTestId('insight-tab-attention').click();
  const view = page.getByTestId('insight-attention');
  await expect(view).toHaveAttribute('data-step', '300');
  await expect(view).toHaveAttribute('data-nodes', '1');
  await expect(page.getByTestId('attention-picker')).toHaveCount(0); // one node: no picker
  const map = page.getByTestId('attention-heatmap-attn');
  const rows = Number(await map.getAttribute('data-rows'));
  const cols = Number(await map.getAttribute('data-cols'));
  // The recorded sample reads τ ∈ [3, 6] symbols and writes them reversed, then the end token.
  expect(cols).toBeGreaterThanOrEqual(3);
  expect(cols).toBeLessThanOrEqual(6);
  expect(rows).toBe(cols + 1);
  await expect(map).toHaveAttribute('data-marks', '0'); // global attention
  // The axes name the recorded sample's symbols: the output is the input reversed, then the end token.
  await expect(map).toHaveAttribute('data-tokens', 'yes');
  const colTokens = JSON.parse((await map.getAttribute('data-col-tokens'))!) as string[];
  const rowTokens = JSON.parse((await map.getAttribute('data-row-tokens'))!) as string[];
  expect(colTokens).toHaveLength(cols);
  expect(rowTokens).toEqual([...colTokens].reverse().concat('⟨end⟩'));
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + 52 + 3, box.y + 8 + 3);
  await expect(page.getByTestId('attention-heatmap-attn-tip')).toContainText(`i = 1 “${rowTokens[0]}”, t = 1 “${colTokens[0]}”`);
  await page.mouse.move(0, 0);
  // Gates and states follow each value's own axis: the decoder's τ′ = τ + 1 steps, named by the output tokens.
  await page.getByTestId('insight-tab-gates').click();
  const decState = page.getByTestId('state-heatmap-dec-h');
  await expect(decState).toHaveAttribute('data-axis', 'target');
  await expect(decState).toHaveAttribute('data-steps', String(rows));
  expect(JSON.parse((await decState.getAttribute('data-tokens'))!)).toEqual(rowTokens);
  const encState = page.getByTestId('state-heatmap-enc-h');
  await expect(encState).toHaveAttribute('data-axis', 'source');
  await expect(encState).toHaveAttribute('data-steps', String(cols));
  expect(JSON.parse((await encState.getAttribute('data-tokens'))!)).toEqual(colTokens);
  await page.getByTestId('insight-tab-attention').click();
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit is animated (200 ms)
  await page.screenshot({ path: `${SCREENSHOTS}/attention-view.png` });
});
