import { expect, test } from '@playwright/test';
import { dragBetween, openExample, SCREENSHOTS, usePage } from './helpers';

usePage();
test.use({ viewport: { width: 1600, height: 1000 } });

test('gradient flow: after training the LSTM on the adding task, edges show ‖∂L/∂x‖ and a legend explains them', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'lstm-adding');
  const edgeCount = await page.locator('.react-flow__edge').count();
  expect(edgeCount).toBeGreaterThan(3);
  // No record yet: no flow styling, no legend.
  await expect(page.locator('.react-flow__edge.edge-flow')).toHaveCount(0);
  await expect(page.getByTestId('flow-legend')).toHaveCount(0);

  await page.getByTestId('training-toggle').click();
  await expect(page.getByTestId('train-task')).toHaveValue('adding');
  await page.getByTestId('train-param-T').fill('10');
  await page.getByTestId('train-steps').fill('50');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 50_000 });

  const legend = page.getByTestId('flow-legend');
  await expect(legend).toBeVisible();
  await expect(legend).toContainText('Gradient flow at step 50');
  const range = page.getByTestId('flow-range');
  const min = Number(await range.getAttribute('data-min'));
  const max = Number(await range.getAttribute('data-max'));
  expect(min).toBeGreaterThan(0);
  expect(max).toBeGreaterThan(min);

  const flowing = page.locator('.react-flow__edge.edge-flow');
  await expect(flowing).toHaveCount(edgeCount);
  const edges = await flowing.evaluateAll((els) =>
    els.map((el) => {
      const path = el.querySelector<SVGPathElement>('.react-flow__edge-path');
      return { grad: Number(el.getAttribute('data-grad')), width: Number.parseFloat(path?.style.strokeWidth ?? ''), stroke: path?.style.stroke ?? '' };
    }),
  );
  console.log(`gradient flow at step 50 (lstm-adding, T = 10): ${JSON.stringify(edges)}`);
  for (const e of edges) {
    expect(Number.isFinite(e.grad) && e.grad >= 0).toBe(true);
    expect(e.width).toBeGreaterThanOrEqual(1.5);
    expect(e.width).toBeLessThanOrEqual(6);
    expect(e.stroke).toMatch(/^rgb\(/);
  }
  // The largest norm is drawn widest, the smallest positive one thinnest.
  const positive = edges.filter((e) => e.grad > 0);
  expect(Math.max(...positive.map((e) => e.width))).toBeCloseTo(6, 3);
  expect(Math.min(...positive.map((e) => e.width))).toBeCloseTo(1.5, 3);
  // Training went well: no node is flagged for parameters without gradient.
  await expect(page.locator('.react-flow__node.node-zero-grad')).toHaveCount(0);

  // Spread the graph out so that the short wires between neighbours show their width and colour.
  await page.getByTestId('auto-layout').click();
  await page.getByTestId('fit-view').click();
  await page.waitForTimeout(400); // the fit animates
  await page.screenshot({ path: `${SCREENSHOTS}/gradient-flow.png` });

  // The switch turns the styling off and on again.
  await page.getByTestId('flow-toggle').uncheck();
  await expect(flowing).toHaveCount(0);
  await expect(legend).toContainText('Show gradient flow');
  await page.getByTestId('flow-toggle').check();
  await expect(flowing).toHaveCount(edgeCount);

  // A changed graph is no longer the one trained: its flow is hidden until the change is undone.
  await page.getByTestId('node-cell').locator('.node-title').click();
  await page.getByTestId('param-hidden').fill('8');
  await page.getByTestId('param-hidden').press('Enter');
  await expect(page.getByTestId('flow-stale')).toBeVisible();
  await expect(flowing).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('flow-stale')).toHaveCount(0);
  await expect(flowing).toHaveCount(edgeCount);
});

test('a node that no gradient reaches is flagged on the canvas', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'lstm-adding');
  // A Linear fed by the last step whose output goes nowhere: its weights never get a gradient.
  await page.getByTestId('palette-item-Linear').dblclick();
  await expect(page.getByTestId('node-linear1')).toBeVisible();
  await dragBetween(page, page.getByTestId('handle-last-out'), page.getByTestId('handle-linear1-in0'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(6);

  await page.getByTestId('training-toggle').click();
  await page.getByTestId('train-param-T').fill('10');
  await page.getByTestId('train-steps').fill('25');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 50_000 });

  const dead = page.locator('.react-flow__node[data-id="linear1"]');
  await expect(dead).toHaveClass(/node-zero-grad/);
  await expect(dead).toHaveAttribute('title', /every parameter of linear1 got a gradient norm below 1e-8 at step 25/);
  await expect(page.locator('.react-flow__node.node-zero-grad')).toHaveCount(1);
  // Every wire, its input included, still shows the flow.
  await expect(page.locator('.react-flow__edge.edge-flow')).toHaveCount(6);
});
