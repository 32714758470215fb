import { expect, test } from '@playwright/test';
import { openExample, SCREENSHOTS, usePage } from './helpers';

usePage();

test('the UI switches to Simplified Chinese and back at run time, and remembers the choice', async ({ page }) => {
  await openExample(page, 'elman-classifier');
  await page.getByTestId('node-state').locator('.node-title').click();
  await expect(page.getByTestId('new')).toHaveText('New');

  await page.getByTestId('language').selectOption('zh-CN');
  await expect(page.getByTestId('new')).toHaveText('新建');
  await expect(page.getByTestId('save')).toHaveText('保存');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // Node kinds by their type: titles, categories and descriptions.
  await expect(page.getByTestId('palette-item-Linear').locator('.palette-item-title')).toHaveText('线性');
  await expect(page.getByTestId('palette-item-LSTM').locator('.palette-item-title')).toHaveText('长短期记忆（LSTM）');
  await expect(page.getByTestId('palette-item-GRU').locator('.palette-item-title')).toHaveText('门控循环单元（GRU）');
  await expect(page.getByTestId('palette-item-CrossEntropy').locator('.palette-item-title')).toHaveText('交叉熵');
  await expect(page.getByTestId('palette-item-MSE').locator('.palette-item-title')).toHaveText('均方误差');
  await expect(page.getByTestId('palette')).toContainText('激活函数');
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText('延迟');
  await expect(inspector).toContainText('上一个时间步');
  await expect(inspector).toContainText('参数');
  await expect(inspector.locator('.katex')).toBeVisible();
  await expect(page.getByTestId('problem-count')).toHaveText('没有问题');
  // Searching works in Chinese too.
  await page.getByTestId('palette-search').fill('遗忘门');
  await expect(page.getByTestId('palette-item-LSTM')).toBeVisible();
  await expect(page.getByTestId('palette-item-Linear')).toHaveCount(0);
  await page.getByTestId('palette-search').fill('');
  await page.screenshot({ path: `${SCREENSHOTS}/chinese.png` });

  // Remembered across a reload.
  await page.reload();
  await expect(page.getByTestId('new')).toHaveText('新建');
  await expect(page.getByTestId('start-page')).toContainText('新建空白图');
  await expect(page.getByTestId('start-example-elman-classifier')).toContainText('Elman 循环神经网络分类器');

  await page.getByTestId('language').selectOption('en');
  await expect(page.getByTestId('new')).toHaveText('New');
  await expect(page.getByTestId('palette-item-Linear').locator('.palette-item-title')).toHaveText('Linear');
  await expect(page.getByTestId('start-page')).toContainText('New empty graph');
});
