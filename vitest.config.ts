import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Files run in parallel, on every core (at least two): the scripted races run in virtual
    // time, so a busy machine (or a CPU-heavy file beside them) slows them but cannot change them.
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
