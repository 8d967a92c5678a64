import path from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the sandbox driven by the system Chromium (playwright-core, never a
// browser download). Kept out of `npm test` (vitest.config.ts excludes tests/browser/**).
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['tests/browser/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // The first start of the sandbox generates its demo org (about 10 seconds, more on a loaded machine).
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
