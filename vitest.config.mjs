import { defineConfig } from 'vitest/config';

// End-to-end tests spawn the built CLI and real git; on a 2-core machine two
// workers keep them from starving each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/pack-tarball.mjs'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
