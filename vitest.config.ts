import { defineConfig } from 'vitest/config';

// Three projects: unit tests need no database, so they run without the PostgreSQL server the
// others share (`npm run test:unit`); `npm test` runs all three in one process.
const needsPostgres = { globalSetup: ['tests/helpers/global-setup.ts'] };

export default defineConfig({
  test: {
    // Each file opens its own databases; two cores, so few workers and generous timeouts.
    pool: 'forks',
    maxWorkers: 2,
    // A worker keeps its modules from one test file to the next instead of importing them anew for
    // each (measured on 2 cores: the whole run 367 → 277 s, of which imports were ~93 s). Tests
    // may therefore leave nothing behind in the process: each opens its own databases, servers
    // and child processes, and lint refuses module mocks, stubbed globals and writes to
    // process.env in tests (eslint.config.js).
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // `npm test -- --coverage` (as .ci/run does): lines of src/ run in the test processes; code
    // that only child processes run (e2e servers) is not counted.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/generated/**'],
      reporter: ['text-summary', 'json-summary'],
      // Today's level, rounded down (2026-12-04 CI: 90.1 / 81.5 / 92.5 / 92.6): they only rise.
      thresholds: { statements: 90, branches: 81, functions: 92, lines: 92 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], ...needsPostgres } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], ...needsPostgres } },
    ],
  },
});
