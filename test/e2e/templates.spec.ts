import { expect, test } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openExample, SCREENSHOTS, usePage } from './helpers';

/**
 * The template tour: every file of `examples/` (read when the spec loads, so a new example is
 * covered without changing this file) opens from the start page, shows its nodes with no problems,
 * and trains 20 steps with its own task and settings (on the f32 backend) to a finite loss, with no divergence or error;
 * a screenshot of the canvas beside the dashboard goes to `docs/screenshots/templates/<id>.png`.
 */

usePage();
test.use({ viewport: { width: 1600, height: 1000 } });

const DIR = 'examples';
const SUFFIX = '.unroll.json';
const OUT = `${SCREENSHOTS}/templates`;
const STEPS = 20;

interface Template {
  readonly id: string;
  readonly name: string;
  readonly nodes: number;
  readonly edges: number;
  readonly task: string | undefined;
}

const TEMPLATES: readonly Template[] = readdirSync(DIR)
  .filter((f) => f.endsWith(SUFFIX))
  .sort()
  .map((file) => {
    const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { meta: { name: string }; nodes: unknown[]; edges: unknown[]; training?: { task?: string } };
    return { id: file.slice(0, -SUFFIX.length), name: doc.meta.name, nodes: doc.nodes.length, edges: doc.edges.length, task: doc.training?.task };
  });

test.beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});

test('the examples folder holds templates', () => {
  expect(TEMPLATES.length).toBeGreaterThan(0);
});

for (const tpl of TEMPLATES) {
  test(`template ${tpl.id} opens, compiles and trains ${STEPS} steps`, async ({ page }) => {
    test.setTimeout(60_000);
    await openExample(page, tpl.id);
    await expect(page.getByTestId('doc-name')).toHaveText(tpl.name);
    await expect(page.locator('.react-flow__node')).toHaveCount(tpl.nodes);
    await expect(page.locator('.react-flow__edge')).toHaveCount(tpl.edges);
    await expect(page.getByTestId('problem-count')).toHaveText('No problems');

    await page.getByTestId('training-toggle').click();
    if (tpl.task !== undefined) await expect(page.getByTestId('train-task')).toHaveValue(tpl.task);
    await page.getByTestId('train-steps').fill(String(STEPS));
    // The float32 backend straight away: \`auto\` would first time every backend, for each template.
    await page.getByTestId('train-backend').selectOption('f32');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'finished', { timeout: 45_000 });
    await expect(page.getByTestId('train-step')).toHaveText(`step ${STEPS} / ${STEPS}`);

    const chart = page.getByTestId('loss-chart');
    await expect(chart).toHaveAttribute('data-points', String(STEPS));
    const first = Number(await chart.getAttribute('data-first-loss'));
    const last = Number(await chart.getAttribute('data-last-loss'));
    expect(Number.isFinite(first), `first loss of ${tpl.id}`).toBe(true);
    expect(Number.isFinite(last), `last loss of ${tpl.id}`).toBe(true);
    await expect(page.getByTestId('train-divergence')).toHaveCount(0);
    await expect(page.getByTestId('train-error')).toHaveCount(0);
    const backend = await page.getByTestId('train-backend-info').getAttribute('data-backend');
    test.info().annotations.push({ type: 'loss', description: `${tpl.id} (${backend}): ${first.toFixed(4)} → ${last.toFixed(4)}` });

    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(400); // the fit animates
    await page.screenshot({ path: `${OUT}/${tpl.id}.png` });
  });
}
