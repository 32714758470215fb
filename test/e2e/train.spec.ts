import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { restore } from '../../src/graph/restore';
import { dragBetween, SCREENSHOTS, usePage } from './helpers';

usePage();

/** Drops a node kind from the palette at a point of the canvas (canvas coordinates). */
async function drop(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-item-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Selects a node and sets some of its params through the inspector form (each one edit). */
async function setParams(page: Page, node: string, params: Record<string, string>): Promise<void> {
  await page.getByTestId(`node-${node}`).locator('.node-title').click();
  await expect(page.getByTestId('inspector-type')).toBeVisible();
  for (const [name, value] of Object.entries(params)) {
    const field = page.getByTestId(`param-${name}`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else {
      await field.fill(value);
      await field.press('Enter');
    }
    await expect(field).toHaveValue(value);
  }
}

async function wire(page: Page, from: string, to: string): Promise<void> {
  await dragBetween(page, page.getByTestId(`handle-${from}`), page.getByTestId(`handle-${to}`));
}

/** Exports the document with its weights and returns the downloaded text. */
async function exportWithWeights(page: Page): Promise<string> {
  await page.getByTestId('file-menu').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('menu-export-weights').click();
  return readFileSync(await (await download).path(), 'utf8');
}

function graphOf(text: string) {
  const r = restore(text);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return {
    nodes: r.doc.nodes.map((n) => [n.id, n.type, n.params]),
    edges: r.doc.edges.map((e) => [e.id, `${e.source.node}.${e.source.port}`, `${e.target.node}.${e.target.port}`]),
    weights: Object.fromEntries(Object.entries(r.doc.weights ?? {}).map(([k, w]) => [k, w.data])),
    training: r.doc.training,
  };
}

test('build an LSTM for the adding problem from an empty canvas, train it, keep and export its weights, reopen them', async ({ page }) => {
  test.setTimeout(120_000);
  await page.getByTestId('start-new').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);

  // Nodes from the palette.
  await drop(page, 'Input', 110, 100);
  await drop(page, 'LSTM', 360, 100);
  await drop(page, 'LastStep', 610, 100);
  await drop(page, 'Linear', 200, 330);
  await drop(page, 'MSE', 480, 380);
  await drop(page, 'Input', 200, 560);
  for (const id of ['input1', 'lstm1', 'laststep1', 'linear1', 'mse1', 'input2']) await expect(page.getByTestId(`node-${id}`)).toBeVisible();

  // Params through the inspector.
  await setParams(page, 'input1', { role: 'sequence', size: '2', dtype: 'real' });
  await setParams(page, 'lstm1', { hidden: '8' });
  await setParams(page, 'linear1', { units: '1' });
  await setParams(page, 'input2', { role: 'vector', size: '1' });

  await wire(page, 'input1-out', 'lstm1-in');
  await wire(page, 'lstm1-h', 'laststep1-in');
  await wire(page, 'linear1-out', 'mse1-prediction');
  await wire(page, 'input2-out', 'mse1-target');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  await expect(page.getByTestId('error-badge-mse1')).toHaveCount(0);

  // A wrong wire: the LSTM's sequence straight into the readout, so the loss compares a sequence with a vector.
  await wire(page, 'lstm1-h', 'linear1-in0');
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await expect(page.getByTestId('error-badge-mse1')).toBeVisible();
  await expect(page.getByTestId('error-badge-mse1')).toHaveAttribute('title', /sequence/);
  // Fixed: the wrong edge deleted, the readout fed from LastStep.
  await page.getByTestId('rf__edge-e5').click({ force: true });
  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  await wire(page, 'laststep1-out', 'linear1-in0');
  await expect(page.getByTestId('error-badge-mse1')).toHaveCount(0);
  await expect(page.getByTestId('problem-count')).toHaveText('No problems');
  await page.getByTestId('auto-layout').click();
  await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.waitForTimeout(200);
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit animates
  await page.screenshot({ path: `${SCREENSHOTS}/lstm-adding.png` });

  // The dashboard, from the toolbar; the adding task with T = 10, 50 steps.
  await page.getByTestId('training-toggle').click();
  const panel = page.getByTestId('training-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('train-task')).toHaveValue('adding');
  await expect(page.getByTestId('train-pause')).toBeDisabled();
  await expect(page.getByTestId('train-keep')).toBeDisabled();
  await page.getByTestId('train-param-T').fill('10');
  await page.getByTestId('train-steps').fill('50');
  await page.getByTestId('train-batchSize').fill('16');
  await page.getByTestId('train-lr').fill('0.02');
  // A bad field is named beside it, and nothing starts.
  await page.getByTestId('train-seed').fill('-1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error-seed')).toBeVisible();
  await expect(page.getByTestId('train-status')).toHaveCount(0);
  await page.getByTestId('train-seed').fill('7');

  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('train-step')).toHaveText('step 50 / 50');
  await expect(page.getByTestId('train-backend-info')).toContainText('Backend:');
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await expect(page.getByTestId('train-pause')).toBeDisabled();
  await expect(page.getByTestId('train-stop')).toBeDisabled();
  const chart = page.getByTestId('loss-chart');
  await expect(chart).toHaveAttribute('data-points', '50');
  const first = Number(await chart.getAttribute('data-first-loss'));
  const last = Number(await chart.getAttribute('data-last-loss'));
  const backend = await page.getByTestId('train-backend-info').getAttribute('data-backend');
  console.log(`e2e training: backend ${backend}; mean loss of the first 5 steps ${first.toFixed(4)}, of the last 5 steps ${last.toFixed(4)}`);
  test.info().annotations.push({ type: 'loss', description: `backend ${backend}: first ${first.toFixed(4)} → last ${last.toFixed(4)}` });
  expect(last).toBeLessThan(first);
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-points', '50');
  await page.getByTestId('train-backend-info').locator('summary').click();
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit animates
  await page.screenshot({ path: `${SCREENSHOTS}/dashboard.png` });

  // Keep the trained weights: the document changes (unsaved) and export includes them.
  await page.getByTestId('train-keep').click();
  await expect(page.getByTestId('train-kept')).toContainText('50');
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  const text = await exportWithWeights(page);
  const exported = graphOf(text);
  expect(Object.keys(exported.weights).sort()).toEqual(['linear1.W0', 'linear1.b', 'lstm1.U_f', 'lstm1.U_g', 'lstm1.U_i', 'lstm1.U_o', 'lstm1.W_f', 'lstm1.W_g', 'lstm1.W_i', 'lstm1.W_o', 'lstm1.b_f', 'lstm1.b_g', 'lstm1.b_i', 'lstm1.b_o'].sort());
  expect(exported.training).toMatchObject({ task: 'adding', taskParams: { T: 10 }, steps: 50, batchSize: 16, seed: 7 });

  // Reopen the exported file: the same graph and the same weights. The dashboard is put away with its shortcut first.
  await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('t');
  await expect(panel).toHaveCount(0);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open').click();
  await expect(page.getByTestId('confirm-dialog')).toBeVisible();
  await page.getByTestId('confirm-ok').click();
  await (await chooser).setFiles({ name: 'trained.unroll.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByTestId('status-message')).toContainText('Opened trained.unroll.json');
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  const reopened = graphOf(await exportWithWeights(page));
  expect(reopened.nodes).toEqual(exported.nodes);
  expect(reopened.edges).toEqual(exported.edges);
  expect(reopened.weights).toEqual(exported.weights);

  // A sequence of edits, undone and redone step by step.
  await expect(page.getByTestId('undo')).toBeDisabled();
  await drop(page, 'Tanh', 440, 24);
  await expect(page.getByTestId('node-tanh1')).toBeVisible();
  await wire(page, 'linear1-out', 'tanh1-in');
  await expect(page.locator('.react-flow__edge')).toHaveCount(6);
  await page.getByTestId('node-linear1').locator('.node-title').click();
  await page.getByTestId('inspector-label').fill('readout');
  await page.getByTestId('inspector-label').press('Enter');
  await expect(page.getByTestId('node-linear1').locator('.node-title')).toHaveText('readout');
  await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  const states = async () => [await page.locator('.react-flow__node').count(), await page.locator('.react-flow__edge').count(), await page.getByTestId('node-linear1').locator('.node-title').textContent()];
  await page.keyboard.press('Control+z');
  await expect.poll(states).toEqual([7, 6, 'Linear']);
  await page.keyboard.press('Control+z');
  await expect.poll(states).toEqual([7, 5, 'Linear']);
  await page.keyboard.press('Control+z');
  await expect.poll(states).toEqual([6, 5, 'Linear']);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(states).toEqual([7, 5, 'Linear']);
  await page.keyboard.press('Control+y');
  await expect.poll(states).toEqual([7, 6, 'Linear']);
  await page.getByTestId('redo').click();
  await expect.poll(states).toEqual([7, 6, 'readout']);
  await expect(page.getByTestId('redo')).toBeDisabled();
  // The weights survived the edits.
  expect(graphOf(await exportWithWeights(page)).weights).toEqual(exported.weights);
});
