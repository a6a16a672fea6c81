// npm run bench: prints the lab's speed figures. Targets are printed beside the
// figures, never asserted in tests (a slow machine is not a failing build).
// Options: --runs N (embedded runs per case), --proof-seconds S (cap on the
// 3×3×4 proof), --only runs|explorer.
import '../local/node-compat.ts';
import { parseArgs } from 'node:util';
import type { Safeguard } from '../lambdas/core/safeguards.ts';
import { DEFAULT_BOUNDS, describeConfig } from '../explorer/config.ts';
import { exhaustive, explore, type SearchStats } from '../explorer/search.ts';
import { computeVerdict } from '../lambdas/core/verdict.ts';
import { loadScenario } from '../cli/scenario-files.ts';
import { startEmbeddedLab } from '../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../local/run-embedded.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    // The 3×3×4 proof runs for minutes on 2 cores; cap it so the bench always ends.
    'proof-seconds': { type: 'string', default: '300' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
const proofSeconds = Number(values['proof-seconds']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function benchRuns(safeguards: Safeguard[], target: string): Promise<void> {
  const scenario = await loadScenario('oct-2025');
  const runMs: number[] = [];
  const startMs: number[] = [];
  const outcomes = { outage: 0, healthy: 0 };
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const lab = await startEmbeddedLab();
    const ready = performance.now();
    const events = await runScenarioEmbedded(lab, scenario, { runId: `bench-${i}`, safeguards });
    runMs.push(performance.now() - ready);
    startMs.push(ready - started);
    outcomes[computeVerdict(events).outcome]++;
    await lab.close();
    if (process.stderr.isTTY) process.stderr.write(`\r  ${safeguards.join('+') || 'baseline'}: ${i + 1}/${runs}`);
  }
  process.stderr.write('\n');
  const label = safeguards.join('+') || 'baseline';
  console.log(`embedded run of oct-2025, ${label} (${runs} runs, ${scenario.msPerSecond} ms per scenario second)`);
  console.log(`  median run wall time   ${fmt(median(runMs))}   (min ${fmt(Math.min(...runMs))}, max ${fmt(Math.max(...runMs))}; target <= 1000 ms on 2 cores)`);
  console.log(`  median lab start       ${fmt(median(startMs))}   (dynalite + Route 53 + DNS endpoints, tables, zone, warm-up; not part of the run)`);
  console.log(`  outcomes               ${outcomes.outage} outage, ${outcomes.healthy} healthy   (target: ${target})`);
}

async function benchExplorer(): Promise<void> {
  const rate = (stats: SearchStats) => `${Math.round((stats.states * 1000) / Math.max(1, stats.elapsedMs)).toLocaleString('en')} states/s`;
  const full = { ...DEFAULT_BOUNDS, safeguards: [] as Safeguard[] };
  const first = await explore(full, 1, { stopOn: ['answers'] });
  console.log(`explorer: first counterexample (empty answer), baseline, ${describeConfig(full)}`);
  console.log(`  time to first counterexample  ${(first.prepass.firstViolationMs ?? NaN).toFixed(0)} ms   (seeded random pre-pass; target <= 1000 ms)`);
  for (const bounds of [{ enactors: 2, endpoints: 2 }, { enactors: 3, endpoints: 3 }]) {
    const config = { ...DEFAULT_BOUNDS, ...bounds, safeguards: ['write-time-check'] as Safeguard[] };
    const started = performance.now();
    const proof = await exhaustive(config, { shouldStop: () => performance.now() - started > proofSeconds * 1000 });
    const verdict = proof.stats.complete ? 'complete: holds for every interleaving' : `INCOMPLETE after the ${proofSeconds} s cap (raise --proof-seconds)`;
    console.log(`explorer: bounded proof of write-time-check, ${describeConfig(config)}`);
    console.log(`  ${(proof.stats.elapsedMs / 1000).toFixed(1)} s, ${proof.stats.states.toLocaleString('en')} states, ${proof.stats.schedules.toLocaleString('en')} schedules, ${rate(proof.stats)}; ${verdict}${bounds.enactors === 3 ? '   (target <= 60 s)' : ''}`);
    console.log(`  violations: ${Object.keys(proof.violations).join(', ') || 'none'}`);
  }
}

console.log(`dns-race-lab bench · node ${process.version} · ${new Date().toISOString()}`);
if (values.only !== 'explorer') {
  await benchRuns([], `${runs}/${runs} outage`);
  await benchRuns(['write-time-check'], `${runs}/${runs} healthy`);
}
if (values.only !== 'runs') await benchExplorer();
