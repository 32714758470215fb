import { expect, test } from '@playwright/test';
import { NODE_SPECS } from '../../src/nodes/registry';
import { dragBetween, SCREENSHOTS, usePage } from './helpers';

usePage();

test('palette lists every node kind of the registry', async ({ page }) => {
  const palette = page.getByTestId('palette');
  for (const spec of NODE_SPECS) await expect(palette.getByTestId(`palette-item-${spec.type}`)).toBeVisible();
  await page.getByTestId('palette-search').fill('sigm');
  await expect(palette.getByTestId('palette-item-Sigmoid')).toBeVisible();
  await expect(palette.getByTestId('palette-item-Linear')).toHaveCount(0);
  // The token was taken from the address bar and removed from it.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
});

test('drag nodes, connect them, see validation, undo and redo', async ({ page }) => {
  const canvas = page.getByTestId('canvas');
  const edges = page.locator('.react-flow__edge');

  await page.getByTestId('palette-item-Linear').dragTo(canvas, { targetPosition: { x: 260, y: 220 } });
  await page.getByTestId('palette-item-Tanh').dragTo(canvas, { targetPosition: { x: 620, y: 220 } });
  const linear = page.getByTestId('node-linear1');
  const tanh = page.getByTestId('node-tanh1');
  await expect(linear).toBeVisible();
  await expect(tanh).toBeVisible();

  // Both have an unconnected required input.
  await expect(page.getByTestId('error-badge-linear1')).toHaveText('1');
  await expect(page.getByTestId('error-badge-linear1')).toHaveAttribute('title', /in0/);
  await expect(page.getByTestId('error-badge-tanh1')).toBeVisible();

  await dragBetween(page, page.getByTestId('handle-linear1-out'), page.getByTestId('handle-tanh1-in'));
  await expect(edges).toHaveCount(1);
  await expect(page.getByTestId('error-badge-tanh1')).toHaveCount(0);
  await expect(page.getByTestId('error-badge-linear1')).toBeVisible();

  // The inspector shows the selected node's kind, params and equation.
  await linear.locator('.node-title').click();
  await expect(page.getByTestId('inspector-type')).toContainText('Linear');
  await expect(page.getByTestId('inspector-params')).toContainText('units');
  await expect(page.getByTestId('inspector-equation')).toContainText('\\sum');
  await page.screenshot({ path: `${SCREENSHOTS}/canvas.png` });

  // A refused edit changes nothing and says why.
  await dragBetween(page, page.getByTestId('handle-tanh1-out'), page.getByTestId('handle-tanh1-in'));
  await expect(page.getByTestId('status-message')).toContainText('itself');
  await expect(edges).toHaveCount(1);

  await page.keyboard.press('Control+z');
  await expect(edges).toHaveCount(0);
  await expect(page.getByTestId('error-badge-tanh1')).toBeVisible();
  await page.keyboard.press('Control+Shift+z');
  await expect(edges).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(edges).toHaveCount(0);
  await page.keyboard.press('Control+y');
  await expect(edges).toHaveCount(1);

  // Moving is one undoable edit, recorded when the drag ends.
  const before = await linear.boundingBox();
  await dragBetween(page, linear.locator('.node-title'), canvas.locator('.react-flow__pane'));
  const after = await linear.boundingBox();
  expect(Math.abs((after?.x ?? 0) - (before?.x ?? 0)) + Math.abs((after?.y ?? 0) - (before?.y ?? 0))).toBeGreaterThan(20);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await linear.boundingBox())?.x).toBeCloseTo(before?.x ?? 0, 0);

  // Delete removes the selected node with its edge; undo brings both back.
  await tanh.locator('.node-title').click();
  await page.keyboard.press('Delete');
  await expect(tanh).toHaveCount(0);
  await expect(edges).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(tanh).toBeVisible();
  await expect(edges).toHaveCount(1);
});

test('keyboard adds a node from the palette', async ({ page }) => {
  await page.getByTestId('palette-item-Sigmoid').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-sigmoid1')).toBeVisible();
  await page.getByTestId('palette-item-Delay').dblclick();
  await expect(page.getByTestId('node-delay1')).toBeVisible();
});

test('opens an example through the host and saves it', async ({ page }) => {
  await page.getByTestId('examples').selectOption('elman-classifier');
  await expect(page.getByTestId('doc-name')).toHaveText('Elman RNN classifier');
  await expect(page.locator('.react-flow__node')).toHaveCount(7);
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  await expect(page.getByTestId('problem-count')).toHaveText('No problems');
  await page.getByTestId('node-a').locator('.node-title').click();
  await page.screenshot({ path: `${SCREENSHOTS}/example-elman.png` });
  await page.getByRole('button', { name: 'Dark' }).click();
  await page.screenshot({ path: `${SCREENSHOTS}/example-elman-dark.png` });
  const download = page.waitForEvent('download');
  await page.getByTestId('save').click();
  expect((await download).suggestedFilename()).toBe('Elman RNN classifier.unroll.json');
  await expect(page.getByTestId('status-message')).toContainText('Saved as');
});

test('the API refuses requests without the token', async ({ request }) => {
  const res = await request.post('/api/app.info', { data: {} });
  expect(res.status()).toBe(401);
});
