// npm run bench: prints the lab's speed figures. Targets are printed beside the
// figures, never asserted in tests (a slow machine is not a failing build).
import '../local/node-compat.ts';
import { parseArgs } from 'node:util';
import type { Safeguard } from '../lambdas/core/safeguards.ts';
import { computeVerdict } from '../lambdas/core/verdict.ts';
import { loadScenario } from '../cli/scenario-files.ts';
import { startEmbeddedLab } from '../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../local/run-embedded.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);

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

console.log(`dns-race-lab bench · node ${process.version} · ${new Date().toISOString()}`);
await benchRuns([], `${runs}/${runs} outage`);
await benchRuns(['write-time-check'], `${runs}/${runs} healthy`);
