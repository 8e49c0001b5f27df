import { defineConfig } from 'vitest/config';

// One test run for the whole repo (`npm test`); each project keeps its own vitest.config.ts so
// `nx test <project>` runs just that project.
export default defineConfig({
  test: {
    projects: ['apps/*/vitest.config.ts', 'libs/*/vitest.config.ts', 'tools/vitest.config.ts', 'tests/vitest.config.ts'],
  },
});
