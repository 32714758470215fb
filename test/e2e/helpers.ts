import { expect, test, type Locator, type Page } from '@playwright/test';
import { E2E_TOKEN } from './env';

export const SCREENSHOTS = 'docs/screenshots';

export async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A real mouse drag from one element to another, in small steps as a person would. */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await centre(from);
  const b = await centre(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

/** Flow-space positions of every node on the canvas (React Flow's `translate(x, y)`), by node id. */
export async function nodePositions(page: Page): Promise<Record<string, string>> {
  return page.locator('.react-flow__node').evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-id') ?? '', (el as HTMLElement).style.transform])));
}

/** Opens a built-in example from the start page (or the toolbar when the start page is away). */
export async function openExample(page: Page, id: string): Promise<void> {
  const start = page.getByTestId(`start-example-${id}`);
  if (await start.isVisible()) await start.click();
  else await page.getByTestId('examples').selectOption(id);
  await expect(page.getByTestId('start-page')).toHaveCount(0);
}

/**
 * Every test starts on a fresh page of the web host and fails on any console error or CSP
 * violation the page reports.
 */
export function usePage(): void {
  let pageErrors: string[] = [];
  test.beforeEach(async ({ page }) => {
    pageErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`/?token=${E2E_TOKEN}`);
    await expect(page.getByTestId('app-info')).toContainText('web');
  });
  test.afterEach(() => {
    expect(pageErrors).toEqual([]);
  });
}
