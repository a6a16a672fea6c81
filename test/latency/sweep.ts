// The race holds by cause, not by slack: oct-2025 (and oct-2025-freeze) with 100 latency seeds
// (0 to 3 s per call, up to 5 s of cold start per function, all in virtual
// time) tells the same story with the same outcome every time. One file per
// case (baseline, each safeguard), so the cases spread over the test workers.
// 600 races over HTTP would take minutes, so they run on the in-memory lab:
// the same runner, state machine and handlers, with ports the contract tests
// hold to the loopback lab's behaviour (test/e2e/oct-2025.test.ts plays a
// sample of these seeds over HTTP too).
import { describe, expect, it } from 'vitest';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { expectedOutcome } from '../../scenario/expectations.ts';
import { loadScenario } from '../../scenario/files.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';

export const SEEDS = 100;
export const HEAVY_LATENCY = { callSeconds: { min: 0, max: 3 }, coldStartSeconds: 5 };

export function latencySweep(safeguards: Safeguard[], name = 'oct-2025'): void {
  describe(`${name} with ${safeguards.join(', ') || 'no safeguard'}, under ${SEEDS} latency seeds (0-3 s per call, up to 5 s cold start)`, () => {
    it('tells its story, with the expected outcome, for every seed', async () => {
      const scenario = await loadScenario(name);
      const expected = expectedOutcome(scenario, safeguards);
      const misses: string[] = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'latency', safeguards, latency: { ...HEAVY_LATENCY, seed } });
        const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'memory', runId: 'latency' }, run.events);
        const missing = report.story?.events.filter((line) => !line.seen).map((line) => line.says) ?? [];
        if (run.failure || report.outcome !== expected || !report.story?.played) {
          misses.push(
            `seed ${seed}: ${report.outcome}${run.failure ? `, failed: ${run.failure.cause}` : ''}${missing.length ? `, not seen: ${missing.join('; ')}` : ''}`,
          );
        }
      }
      expect(misses).toEqual([]);
    });
  });
}
