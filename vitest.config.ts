import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/learning/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'threads',
  },
});
