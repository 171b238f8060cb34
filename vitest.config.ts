import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three kinds of tests, one runner:
// - unit: pure code next to its source (app/**/*.test.ts), no database;
// - integration: tests/integration, run once per database driver — always on
//   PGlite, and again on PostgreSQL when DATABASE_URL is set;
// - e2e: tests/e2e, real Chromium against the built app.
const integration = (driver: 'pglite' | 'postgres') => ({
  extends: true as const,
  test: {
    name: `integration:${driver}`,
    include: ['tests/integration/**/*.test.ts'],
    env: { TEST_DB_DRIVER: driver },
    globalSetup: [`tests/support/setup-${driver}.ts`],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  resolve: { alias: { '~': fileURLToPath(new URL('./app', import.meta.url)) } },
  test: {
    // Vitest's default is one worker per core but one, which on a 2-core
    // machine runs every file in turn; most files wait on HTTP, PostgreSQL or
    // Chromium, so two at a time finish sooner. A third worker on 2 cores did
    // not finish sooner (the run is CPU-bound then) and made timing-sensitive
    // files slower. VITEST_MAX_WORKERS overrides.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'db/**/*.test.ts', 'emails/**/*.test.{ts,tsx}'],
        },
      },
      integration('pglite'),
      ...(process.env.DATABASE_URL ? [integration('postgres')] : []),
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own server on its own data folder and port, and its
          // own Chromium, so browser files run beside the integration files instead of
          // in a serial group after them (which made the CI run twice as long as its work).
        },
      },
    ],
  },
});
