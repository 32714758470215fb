import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { restore } from '../../src/graph/restore';
import { nodePositions, openExample, SCREENSHOTS, usePage } from './helpers';

usePage();

/** A file with three problems in three places: a bad node id, a position that is text, an edge to nowhere. */
const HOSTILE = JSON.stringify({
  format: 'unroll.graph',
  version: 1,
  meta: { name: 'hostile' },
  nodes: [
    { id: '1bad', type: 'Linear', version: 1, position: { x: 0, y: 0 }, params: {} },
    { id: 'b', type: 'Linear', version: 1, position: { x: 0, y: 'down' }, params: {} },
  ],
  edges: [{ id: 'e1', source: { node: 'nowhere', port: 'out' }, target: { node: 'b', port: 'in0' } }],
});

/** Clicks Open… and hands the browser's file picker `text` as `name`. */
async function openFile(page: Page, name: string, text: string, confirm = false): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open').click();
  if (confirm) {
    await expect(page.getByTestId('confirm-dialog')).toContainText('Discard unsaved changes?');
    await page.getByTestId('confirm-ok').click();
  }
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('a hostile file is refused with every problem and its path; the open graph stays exactly as it was', async ({ page }) => {
  await openExample(page, 'elman-classifier');
  await page.getByTestId('palette-item-Sigmoid').dblclick();
  await expect(page.locator('.react-flow__node')).toHaveCount(8);
  const before = await nodePositions(page);

  // Unsaved changes: Open asks first.
  await openFile(page, 'hostile.unroll.json', HOSTILE, true);
  const dialog = page.getByTestId('problems-dialog');
  await expect(dialog).toContainText('Cannot open hostile.unroll.json');
  await expect(dialog).toContainText('your graph is unchanged');
  const paths = dialog.locator('.path');
  await expect(paths).toHaveText(['$.nodes[0].id', '$.nodes[1].position.y', '$.edges[0].source.node']);
  await page.screenshot({ path: `${SCREENSHOTS}/bad-file.png` });
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(page.getByTestId('doc-name')).toHaveText('Elman RNN classifier');
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  expect(await nodePositions(page)).toEqual(before);
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  // Its history is intact too: undo removes the Sigmoid added before.
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node')).toHaveCount(7);
  // Undone back to the state it was opened in: no unsaved changes, so Open does not ask.
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);

  // Not JSON at all.
  await openFile(page, 'notes.txt', 'this is not json');
  await expect(page.getByTestId('problems-dialog').locator('.path')).toHaveText(['$']);
  await page.keyboard.press('Escape');
  await expect(page.locator('.react-flow__node')).toHaveCount(7);
});

test('Save downloads a file that restores; Open reads it back; Save As and Export', async ({ page }) => {
  await openExample(page, 'per-step-regression');
  await page.getByTestId('palette-item-Sigmoid').dblclick();
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await expect(page).toHaveTitle('• Per-step regression — Unroll');

  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+s');
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('Per-step regression.unroll.json');
  const text = readFileSync(await saved.path(), 'utf8');
  const restored = restore(text);
  if (!restored.ok) throw new Error(restored.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  expect(restored.doc.nodes.map((n) => n.id)).toEqual(['x', 'hidden', 'act', 'out', 'y', 'loss', 'sigmoid1']);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await expect(page).toHaveTitle('Per-step regression — Unroll');

  // Open it again (from a new, empty graph).
  await page.getByTestId('new').click();
  await expect(page.getByTestId('start-page')).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await openFile(page, 'Per-step regression.unroll.json', text);
  await expect(page.locator('.react-flow__node')).toHaveCount(7);
  await expect(page.getByTestId('node-sigmoid1')).toBeVisible();
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);

  // Save As asks for a name.
  await page.getByTestId('file-menu').click();
  await page.getByTestId('menu-save-as').click();
  await page.getByTestId('prompt-input').fill('copy of regression.unroll.json');
  const asDownload = page.waitForEvent('download');
  await page.getByTestId('prompt-ok').click();
  expect((await asDownload).suggestedFilename()).toBe('copy of regression.unroll.json');

  // Export without weights.
  await page.getByTestId('file-menu').click();
  const exported = page.waitForEvent('download');
  await page.getByTestId('menu-export-bare').click();
  const bare = await exported;
  expect(bare.suggestedFilename()).toBe('Per-step regression.architecture.unroll.json');
  expect(restore(readFileSync(await bare.path(), 'utf8')).ok).toBe(true);
});

test('Import adds another graph beside this one as one undo step', async ({ page }) => {
  await openExample(page, 'per-step-regression');
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('file-menu').click();
  await page.getByTestId('menu-import').click();
  await (await chooser).setFiles({ name: 'two.unroll.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'two' }, nodes: [{ id: 'p', type: 'Tanh', version: 1, position: { x: 0, y: 0 }, params: {} }, { id: 'q', type: 'Sigmoid', version: 1, position: { x: 200, y: 0 }, params: {} }], edges: [{ id: 'e1', source: { node: 'p', port: 'out' }, target: { node: 'q', port: 'in' } }] })) });
  await expect(page.locator('.react-flow__node')).toHaveCount(8);
  await expect(page.locator('.react-flow__edge')).toHaveCount(6);
  await expect(page.getByTestId('node-tanh1')).toBeVisible();
  await expect(page.getByTestId('doc-name')).toHaveText('Per-step regression');
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
});

test('unsaved work is autosaved and recovered after a reload, from the start page', async ({ page }) => {
  await expect(page.getByTestId('start-page')).toBeVisible();
  await page.getByTestId('start-new').click();
  await expect(page.getByTestId('start-page')).toHaveCount(0);
  await page.getByTestId('palette-item-Sigmoid').dblclick();
  const written = page.waitForResponse((r) => r.url().endsWith('/api/autosave.write') && r.ok());
  await page.getByTestId('palette-item-Tanh').dblclick();
  await written;
  await expect(page.getByTestId('autosave-status')).toBeVisible();

  await page.reload();
  await expect(page.getByTestId('start-page')).toBeVisible();
  await expect(page.getByTestId('start-recover')).toBeVisible();
  await expect(page.getByTestId('start-page')).toContainText('Untitled');
  await expect(page.getByTestId('start-example-elman-classifier')).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/start-page.png` });
  await page.getByTestId('start-recover').click();
  await expect(page.getByTestId('node-sigmoid1')).toBeVisible();
  await expect(page.getByTestId('node-tanh1')).toBeVisible();
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await expect(page.getByTestId('status-message')).toContainText('Recovered');

  // An explicit save clears the autosave: nothing to recover after the next reload.
  const download = page.waitForEvent('download');
  const cleared = page.waitForResponse((r) => r.url().endsWith('/api/autosave.clear'));
  await page.getByTestId('save').click();
  await download;
  await cleared;
  await page.reload();
  await expect(page.getByTestId('start-page')).toBeVisible();
  await expect(page.getByTestId('start-recover')).toHaveCount(0);
});

test('the start page offers new, open and the examples, and comes back with New', async ({ page }) => {
  const start = page.getByTestId('start-page');
  await expect(start).toBeVisible();
  await expect(start.getByTestId('start-new')).toBeVisible();
  await expect(start.getByTestId('start-open')).toBeVisible();
  await expect(start.getByTestId('start-example-per-step-regression')).toContainText('Per-step regression');
  await start.getByTestId('start-example-per-step-regression').click();
  await expect(start).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  // A clean document: New needs no confirmation.
  await page.getByTestId('new').click();
  await expect(page.getByTestId('start-page')).toBeVisible();
  await expect(page.getByTestId('doc-name')).toHaveText('Untitled');
  // Dragging a node kind puts it away.
  await page.getByTestId('palette-item-Linear').dragTo(page.getByTestId('canvas'), { targetPosition: { x: 300, y: 200 } });
  await expect(page.getByTestId('node-linear1')).toBeVisible();
  await expect(page.getByTestId('start-page')).toHaveCount(0);
  // With unsaved changes, New asks; cancelling keeps everything.
  await page.getByTestId('new').click();
  await page.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('node-linear1')).toBeVisible();
  await page.getByTestId('new').click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('node-linear1')).toHaveCount(0);
  await expect(page.getByTestId('start-page')).toBeVisible();
});
