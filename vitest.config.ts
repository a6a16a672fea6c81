import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HANG_GUARD_MS } from './test/support/hang-guard.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Files run in parallel, on every core (at least two): the scripted races run in virtual
    // time, so a busy machine (or a CPU-heavy file beside them) slows them but cannot change them.
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    // A hang guard only (test/support/hang-guard.ts): no test sets a tighter limit.
    testTimeout: HANG_GUARD_MS,
    hookTimeout: HANG_GUARD_MS,
  },
});
