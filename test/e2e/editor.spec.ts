import { expect, test } from '@playwright/test';
import { centre, nodePositions, openExample, SCREENSHOTS, usePage } from './helpers';

usePage();

test('the inspector edits params and the label, each change one undo step; refusals show beside the field', async ({ page }) => {
  await openExample(page, 'elman-classifier');
  const a = page.getByTestId('node-a');
  await a.locator('.node-title').click();
  const inspector = page.getByTestId('inspector');
  await expect(page.getByTestId('inspector-type')).toContainText('Linear');

  // The equation is typeset by KaTeX, with its source kept.
  await expect(inspector.getByTestId('inspector-equation').locator('.katex')).toBeVisible();
  await expect(inspector.getByTestId('inspector-equation')).toContainText('\\sum');

  // Defaults are shown; a change is one setParam edit.
  await expect(inspector.getByText('default 16')).toBeVisible();
  await page.getByTestId('param-units').fill('32');
  await page.getByTestId('param-units').press('Enter');
  await expect(a).toContainText('(B,T,32)');
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await page.getByTestId('undo').click();
  await expect(a).toContainText('(B,T,16)');
  await expect(page.getByTestId('param-units')).toHaveValue('16');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('param-units')).toHaveValue('32');

  // A value the schema refuses: the edit's message beside the field, nothing changed.
  await page.getByTestId('param-units').fill('0');
  await page.getByTestId('param-units').press('Enter');
  await expect(page.getByTestId('param-error-units')).toBeVisible();
  await expect(page.getByTestId('param-units')).toHaveAttribute('aria-invalid', 'true');
  await expect(a).toContainText('(B,T,32)');

  // A change that would remove a connected port is refused with the edit's reason.
  await page.getByTestId('param-inputs').fill('1');
  await page.getByTestId('param-inputs').press('Enter');
  await expect(page.getByTestId('param-error-inputs')).toContainText('disconnect it first');
  await expect(page.getByTestId('handle-a-in1')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  await page.screenshot({ path: `${SCREENSHOTS}/inspector.png` });

  // Not a number at all: said in the UI's words.
  await page.getByTestId('param-inputs').fill('two');
  await page.getByTestId('param-inputs').press('Enter');
  await expect(page.getByTestId('param-error-inputs')).toHaveText('Enter a number.');
  await page.getByTestId('param-inputs').press('Escape');

  // Booleans and enums.
  await page.getByTestId('param-bias').uncheck();
  await expect(page.getByTestId('param-bias')).not.toBeChecked();
  await page.getByTestId('node-state').locator('.node-title').click();
  await page.getByTestId('param-init').selectOption('learned');
  await expect(page.getByTestId('param-init')).toHaveValue('learned');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('param-init')).toHaveValue('zeros');

  // The label.
  await page.getByTestId('inspector-label').fill('previous state');
  await page.getByTestId('inspector-label').press('Enter');
  await expect(page.getByTestId('node-state').locator('.node-title')).toHaveText('previous state');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('node-state').locator('.node-title')).toHaveText('h_{t−1}');

  // The problems of the selected node, each with its port.
  await page.getByTestId('palette-item-Tanh').dblclick();
  await expect(page.getByTestId('inspector-problems')).toContainText('in');
  await expect(page.getByTestId('inspector-problems').locator('.port-ref')).toHaveText('in');
});

test('shift-click and box selection, copy / cut / paste, duplicate, select all and delete', async ({ page }) => {
  await openExample(page, 'per-step-regression');
  const nodes = page.locator('.react-flow__node');
  const edges = page.locator('.react-flow__edge');
  await expect(nodes).toHaveCount(6);
  await expect(edges).toHaveCount(5);

  await page.getByTestId('node-x').locator('.node-title').click();
  await page.getByTestId('node-hidden').locator('.node-title').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('inspector')).toContainText('2 selected');

  // Copy and paste: fresh ids, the inner edge kept, one undo step.
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(nodes).toHaveCount(8);
  await expect(edges).toHaveCount(6);
  await expect(page.getByTestId('node-input1')).toBeVisible();
  await expect(page.getByTestId('node-linear1')).toBeVisible();
  await expect(page.getByTestId('inspector')).toContainText('2 selected');
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(6);
  await expect(edges).toHaveCount(5);

  // Duplicate.
  await page.getByTestId('node-x').locator('.node-title').click();
  await page.getByTestId('node-hidden').locator('.node-title').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+d');
  await expect(nodes).toHaveCount(8);
  await expect(edges).toHaveCount(6);

  // Select all, delete, undo.
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('inspector')).toContainText('8 selected');
  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(8);
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(6);

  // Box selection with Shift-drag around `act` and `out`, then cut and paste.
  await page.getByTestId('fit-view').click();
  const act = await page.getByTestId('node-act').boundingBox();
  const out = await page.getByTestId('node-out').boundingBox();
  if (act === null || out === null) throw new Error('nodes not visible');
  await page.keyboard.down('Shift');
  await page.mouse.move(act.x - 12, Math.min(act.y, out.y) - 12);
  await page.mouse.down();
  await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2, { steps: 6 });
  await page.mouse.move(out.x + out.width + 12, Math.max(act.y + act.height, out.y + out.height) + 12, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByTestId('inspector')).toContainText('2 selected');
  await page.keyboard.press('Control+x');
  await expect(nodes).toHaveCount(4);
  await expect(edges).toHaveCount(2);
  await page.keyboard.press('Control+v');
  await expect(nodes).toHaveCount(6);
  await expect(edges).toHaveCount(3);
});

test('auto-layout arranges the graph as one undo step; fit view and the minimap are there', async ({ page }) => {
  await openExample(page, 'elman-classifier');
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  const before = await nodePositions(page);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+L');
  await expect.poll(async () => JSON.stringify(await nodePositions(page))).not.toBe(JSON.stringify(before));

  // No two nodes overlap after the layout.
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i]!;
      const q = boxes[j]!;
      const overlap = p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
      expect(overlap, `nodes ${i} and ${j} overlap`).toBe(false);
    }
  }
  // Every edge still goes from left to right except the one out of the Delay.
  const x = async (id: string): Promise<number> => (await centre(page.getByTestId(`node-${id}`))).x;
  expect(await x('x')).toBeLessThan(await x('a'));
  expect(await x('a')).toBeLessThan(await x('h'));
  expect(await x('o')).toBeLessThan(await x('loss'));

  await page.keyboard.press('Control+z');
  await expect.poll(async () => JSON.stringify(await nodePositions(page))).toBe(JSON.stringify(before));
  await page.keyboard.press('Control+y');
  await page.getByTestId('auto-layout').click();
  await expect(page.getByTestId('status-message')).toContainText('Arranged');

  // F fits the graph into view after zooming far out.
  await page.locator('.react-flow__controls-zoomout').click();
  await page.locator('.react-flow__controls-zoomout').click();
  const small = await page.getByTestId('node-a').boundingBox();
  await page.keyboard.press('f');
  await expect.poll(async () => (await page.getByTestId('node-a').boundingBox())?.width ?? 0).toBeGreaterThan((small?.width ?? 0) * 1.2);
});

test('the shortcuts dialog lists the keys', async ({ page }) => {
  await page.getByTestId('shortcuts').click();
  const dialog = page.getByTestId('shortcuts-dialog');
  await expect(dialog).toContainText('Ctrl+Shift+S');
  await expect(dialog).toContainText('Shift+L');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
