import { defineConfig } from 'vitest/config';

// .ci/run sets this: the run then also writes the project's own evidence (JUnit, lcov and
// json-summary coverage), which the freshly built release-gate judges with .github/release-gate.yml.
const evidence = process.env.RELEASE_GATE_EVIDENCE_DIR;

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: evidence ? ['default', 'junit'] : ['default'],
    // under coverage, the regex CPU-time budget is scaled to the instrumentation's slowdown
    setupFiles: evidence ? ['__tests__/helpers/coverage-setup.ts'] : [],
    ...(evidence && { outputFile: { junit: `${evidence}/test-results/junit.xml` } }),
    coverage: {
      enabled: evidence !== undefined,
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'lcov', 'json-summary'],
      reportsDirectory: evidence ? `${evidence}/coverage` : 'coverage',
    },
  },
});
