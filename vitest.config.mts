import os from 'node:os';
import { defineConfig } from 'vitest/config';

/** Unit and integration tests run in plain Node; the Playwright specs under e2e/ are not vitest's. */
export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'build-resources/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // Most integration files wait on their servers (Dovecot, Samba, PostgreSQL, the service) rather than
    // compute: two files at once even on a two-core machine (Vitest's default there is one).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
