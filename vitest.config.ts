import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // One file at a time: the scripted races run on real (scaled) time, and a
    // CPU-heavy file beside them (explorer, CDK synth) would stretch their steps.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
