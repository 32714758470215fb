import { defineConfig } from '@playwright/test';
import { E2E_DATA_DIR, E2E_ORIGIN, E2E_PORT, E2E_TOKEN } from './test/e2e/env';

/**
 * End-to-end tests drive the real renderer, served by the web host, in Debian's Chromium
 * (`apt-get install chromium`; Playwright's own browser download is not used).
 */
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: E2E_ORIGIN,
    viewport: { width: 1400, height: 860 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npm run build:renderer && npx tsx main/web/server.ts --port ${E2E_PORT}`,
    url: `${E2E_ORIGIN}/`,
    env: { UNROLL_TOKEN: E2E_TOKEN, UNROLL_DATA_DIR: E2E_DATA_DIR },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
});
