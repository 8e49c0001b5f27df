import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'viewer',
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    // No code yet, so no tests yet; remove when the first module lands.
    passWithNoTests: true,
    testTimeout: 60_000,
  },
});
