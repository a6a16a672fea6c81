// npm run bench: prints the lab's figures beside their targets; no test asserts
// them (a slow machine is not a failing build). The first figures are what a
// user runs: cold `npx racelab run` processes, process start included, on a
// quiet machine and beside two CPU-bound processes. Warm in-process figures
// follow as extras.
// Options: --runs N (cold processes per case), --seeds N (latency sweep),
// --proof-seconds S (cap on the 3×3×4 proof), --matrix-3x3 (also time the matrix at 3 × 3, about an hour),
// --only startup|cold|warm|latency|explorer|synth|suite.
import '../local/node-compat.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import { DEFAULT_BOUNDS, INCIDENT_BOUNDS, describeConfig } from '../explorer/config.ts';
import { exhaustive, explore, type SearchOptions, type SearchStats } from '../explorer/search.ts';
import { reportOf } from '../scenario/run-report.ts';
import { loadScenario } from '../scenario/files.ts';
import { startEmbeddedLab } from '../local/embedded-lab.ts';
import { MemoryLab } from '../local/memory-lab.ts';
import { runScenarioEmbedded } from '../local/run-embedded.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '25' },
    seeds: { type: 'string', default: '100' },
    // The 3×3×4 proof runs for minutes on 2 cores; cap it so the bench always ends.
    'proof-seconds': { type: 'string', default: '300' },
    // The matrix at 3 enactors × 3 endpoints: its figure in docs/explorer.md, too long for every bench.
    'matrix-3x3': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
const seeds = Number(values.seeds);
const proofSeconds = Number(values['proof-seconds']);
const only = values.only;
const section = (name: string) => only === undefined || only === name;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
const progress = (label: string, done: number, total: number) => {
  if (process.stderr.isTTY) process.stderr.write(`\r  ${label}: ${done}/${total}${done === total ? '\n' : ''}`);
};

/** Two CPU-bound processes, as a busy machine has: the result must not change beside them. */
function startHogs(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

function stopHogs(hogs: ChildProcess[]): void {
  for (const hog of hogs) hog.kill('SIGKILL');
}

interface ColdRun {
  wallMs: number;
  digest: string;
  played: boolean | null;
  code: number | null;
}

/** One `npx racelab run --json`, as a user types it, timed from spawn to exit. */
function coldRun(args: string[]): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('npx', ['racelab', 'run', '--json', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        const report = JSON.parse(stdout) as { eventsDigest: string; story: { played: boolean } | null };
        resolve({ wallMs, digest: report.eventsDigest, played: report.story?.played ?? null, code });
      } catch {
        resolve({ wallMs, digest: '(no report)', played: false, code });
      }
    });
  });
}

async function benchCold(label: string, args: string[], loaded: boolean): Promise<ColdRun[]> {
  const hogs = loaded ? startHogs() : [];
  const results: ColdRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      results.push(await coldRun(args));
      progress(label, i + 1, runs);
    }
  } finally {
    stopHogs(hogs);
  }
  return results;
}

function printCold(label: string, results: ColdRun[], targetMs: number): void {
  const wall = results.map((r) => r.wallMs);
  const digests = new Set(results.map((r) => r.digest));
  const played = results.filter((r) => r.played).length;
  console.log(`  ${label}`);
  console.log(
    `    median wall time     ${fmt(median(wall))}   (min ${fmt(Math.min(...wall))}, max ${fmt(Math.max(...wall))}; target <= ${targetMs} ms on 2 cores)`,
  );
  console.log(
    `    distinct digests     ${digests.size}   (target: 1)${digests.size > 1 ? `  ${[...digests].map((d) => d.slice(0, 12)).join(', ')}` : `  ${[...digests][0]!.slice(0, 16)}…`}`,
  );
  console.log(`    played the story     ${played}/${results.length}   (target: ${results.length}/${results.length})`);
}

/** The runs the cold section times, each with its target (the cascade's: issue 21, at least 1,000 droplets and the whole day). */
const COLD_CASES = [
  { scenario: 'oct-2025', safeguard: undefined, targetMs: 1500 },
  { scenario: 'oct-2025', safeguard: 'write-time-check', targetMs: 1500 },
  { scenario: 'oct-2025-cascade', safeguard: undefined, targetMs: 5000 },
] as const;

async function coldSection(): Promise<void> {
  for (const { scenario, safeguard, targetMs } of COLD_CASES) {
    const args = [scenario, ...(safeguard ? ['--safeguard', safeguard] : [])];
    const name = `${scenario} ${safeguard ?? 'baseline'}`;
    console.log(`cold \`${['npx racelab run', ...args].join(' ')}\` processes, ${name} (${runs} quiet, then ${runs} beside two CPU hogs)`);
    const quiet = await benchCold(`${name}, quiet`, args, false);
    const loaded = await benchCold(`${name}, two CPU hogs`, args, true);
    printCold('quiet machine', quiet, targetMs);
    printCold('beside two CPU-bound processes', loaded, targetMs);
    const all = new Set([...quiet, ...loaded].map((r) => r.digest));
    console.log(`  all ${quiet.length + loaded.length} runs: ${all.size} distinct digest${all.size === 1 ? '' : 's'}   (target: 1)`);
  }
}

const CASES: Safeguard[][] = [[], ['write-time-check'], ['protect-active'], ['never-empty'], ['self-heal'], ['recheck-each-endpoint']];

/** Extra figures: runs inside this (warm) process on the loopback lab. */
async function warmSection(): Promise<void> {
  const scenario = await loadScenario('oct-2025');
  const warmRuns = Math.min(runs, 5);
  console.log(`warm in-process runs on the loopback lab (extra figures; ${warmRuns} per case)`);
  for (const safeguards of CASES) {
    const runMs: number[] = [];
    const startMs: number[] = [];
    const digests = new Set<string>();
    let played = 0;
    for (let i = 0; i < warmRuns; i++) {
      const started = performance.now();
      const lab = await startEmbeddedLab();
      const ready = performance.now();
      const run = await runScenarioEmbedded(lab, scenario, { runId: `bench-${i}`, safeguards });
      runMs.push(performance.now() - ready);
      startMs.push(ready - started);
      const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'local', runId: `bench-${i}` }, run.events);
      digests.add(report.eventsDigest);
      if (report.story?.played) played++;
      await lab.close();
    }
    console.log(
      `  ${(safeguards.join('+') || 'baseline').padEnd(22)} run ${fmt(median(runMs))} (lab start ${fmt(median(startMs))}), ${digests.size} digest(s), story played ${played}/${warmRuns}`,
    );
  }
}

/** Extra figures: the latency sweep of test/latency/, on the in-memory lab. */
async function latencySection(): Promise<void> {
  const scenario = await loadScenario('oct-2025');
  const latency = { callSeconds: { min: 0, max: 3 }, coldStartSeconds: 5 };
  console.log(`latency sweep on the in-memory lab: ${seeds} latency seeds per case, 0-3 s per call, up to 5 s cold start`);
  for (const safeguards of CASES) {
    const started = performance.now();
    const stories = new Set<string>();
    let played = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'r', safeguards, latency: { ...latency, seed } });
      const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'memory', runId: 'r' }, run.events);
      stories.add(JSON.stringify(report.story?.events.map((line) => line.seen)));
      if (report.story?.played && report.asExpected) played++;
    }
    const perRun = (performance.now() - started) / seeds;
    console.log(
      `  ${(safeguards.join('+') || 'baseline').padEnd(22)} story played ${played}/${seeds} (target ${seeds}/${seeds}), ${stories.size} distinct story result(s), ${fmt(perRun)} per run`,
    );
  }
}

async function explorerSection(): Promise<void> {
  const rate = (stats: SearchStats) => `${Math.round((stats.states * 1000) / Math.max(1, stats.elapsedMs)).toLocaleString('en')} states/s`;
  const full = { ...INCIDENT_BOUNDS, safeguards: [] as Safeguard[] };
  const first = await explore(full, 1, { stopOn: ['answers'] });
  console.log(`explorer: first counterexample (empty answer), baseline, ${describeConfig(full)}`);
  console.log(`  time to first counterexample  ${(first.prepass.firstViolationMs ?? NaN).toFixed(0)} ms   (seeded random pre-pass; target <= 1000 ms)`);

  // What each reduction saves, each turned off alone, where the search without it still ends in seconds.
  const small = { ...DEFAULT_BOUNDS, enactors: 3, endpoints: 1, generations: 3, safeguards: ['write-time-check'] as Safeguard[] };
  console.log(`explorer: what each reduction saves, ${describeConfig(small)} (each row turns one off)`);
  const variants: [string, SearchOptions][] = [
    ['all reductions on', {}],
    ['without symmetry over the Enactors', { symmetry: false }],
    ['without keying ended actors by how they ended', { keepEnded: true }],
    ['without keying an Enactor by its state value (keyed by all it read)', { byHistory: true }],
    ['without sleep sets', { partialOrderReduction: false }],
  ];
  await exhaustive(small); // warm: the first search in a process also pays for compiling the code
  for (const [label, limits] of variants) {
    const { stats } = await exhaustive(small, limits);
    console.log(
      `  ${label.padEnd(56)} ${stats.states.toLocaleString('en').padStart(8)} states ${stats.schedules.toLocaleString('en').padStart(8)} schedules ` +
        `${(stats.elapsedMs / 1000).toFixed(1).padStart(6)} s   ${rate(stats)}`,
    );
  }

  for (const bounds of [
    { enactors: 2, endpoints: 2 },
    { enactors: 3, endpoints: 3 },
  ]) {
    const config = { ...INCIDENT_BOUNDS, ...bounds, safeguards: ['write-time-check'] as Safeguard[] };
    const started = performance.now();
    const proof = await exhaustive(config, { shouldStop: () => performance.now() - started > proofSeconds * 1000 });
    const verdict = proof.stats.complete ? 'complete: holds for every interleaving' : `INCOMPLETE after the ${proofSeconds} s cap (raise --proof-seconds)`;
    console.log(`explorer: bounded proof of write-time-check, ${describeConfig(config)} (in this process, one thread)`);
    console.log(
      `  ${(proof.stats.elapsedMs / 1000).toFixed(1)} s, ${proof.stats.states.toLocaleString('en')} states, ${proof.stats.schedules.toLocaleString('en')} schedules, ${rate(proof.stats)}; ${verdict}`,
    );
    console.log(`  violations: ${Object.keys(proof.violations).join(', ') || 'none'}`);
  }

  // As a user runs them: cold processes of the compiled CLI, pre-pass and all.
  console.log('explorer: cold `racelab explore` processes (the compiled CLI), as a user runs them');
  const cold: [string, string[], string][] = [
    // (bare explore and --matrix, the figures a newcomer meets first, are in the start-up section.)
    [
      'explore -s write-time-check (3 × 3 × 4, every core)',
      ['explore', '-s', 'write-time-check', '--enactors', '3', '--endpoints', '3', '--quiet', ...scratchOut],
      '(target <= 30 s)',
    ],
    // A trainee's PASS: both bound sets check proves at, side by side, without the reductions changed code may break.
    ['check -s write-time-check (2 × 2 × 4 and 3 × 1 × 4)', ['check', '-s', 'write-time-check', '--quiet'], '(target <= 20 s)'],
  ];
  const matrix3x3 = ['explore', '--matrix', '--enactors', '3', '--endpoints', '3', '--quiet'];
  if (values['matrix-3x3']) cold.push(['explore --matrix --enactors 3 --endpoints 3', matrix3x3, '(extra figure: --matrix-3x3)']);
  for (const [label, args, target] of cold) {
    const ms = await timeCommand(process.execPath, ['bin/racelab.js', ...args], [0, 1]);
    console.log(`  ${label.padEnd(52)} ${(ms / 1000).toFixed(1).padStart(6)} s   ${target}`);
  }
}

/** Where a timed explore writes its counterexample: not into the checkout. */
const scratchOut = ['--out', join(tmpdir(), 'racelab-bench-counterexample.json'), '--force'];

/** One command, as a user starts it, timed from spawn to exit. */
function timeCommand(command: string, args: string[], okCodes: number[] = [0]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) =>
      code !== null && okCodes.includes(code) ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Times a command `times` times as cold processes; its median, min and max, printed beside the target. */
async function coldFigure(label: string, command: string, args: string[], times: number, target: string, okCodes = [0]): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    ms.push(await timeCommand(command, args, okCodes));
    progress(label, i + 1, times);
  }
  console.log(`  ${label.padEnd(28)} median ${fmt(median(ms)).padStart(8)}   (min ${fmt(Math.min(...ms))}, max ${fmt(Math.max(...ms))})   ${target}`);
}

/** How fast the CLI starts and runs: the compiled bin (bin/racelab.js), and through npx, which adds its own start. */
async function startupSection(): Promise<void> {
  console.log(`start-up: cold processes of the compiled CLI (bin/racelab.js) on node ${process.version}, ${runs} of each`);
  await timeCommand(process.execPath, ['bin/racelab.js', '--version']); // compiles first if a source changed
  const cases: [string, string, string[], string][] = [
    ['racelab --help', process.execPath, ['bin/racelab.js', '--help'], '(target <= 300 ms)'],
    ['racelab scenarios', process.execPath, ['bin/racelab.js', 'scenarios'], '(target <= 500 ms)'],
    ['npx racelab --help', 'npx', ['racelab', '--help'], '(extra figure: npx adds its own start)'],
    ['racelab run oct-2025', process.execPath, ['bin/racelab.js', 'run', 'oct-2025'], '(target <= 1500 ms; goal 1000 ms)'],
    ['npx racelab run oct-2025', 'npx', ['racelab', 'run', 'oct-2025'], '(target <= 1500 ms; goal 1000 ms)'],
    ['racelab run oct-2025-cascade', process.execPath, ['bin/racelab.js', 'run', 'oct-2025-cascade'], '(target <= 5000 ms)'],
    ['racelab sweep (5 × 4 cells)', process.execPath, ['bin/racelab.js', 'sweep'], '(target <= 60000 ms)'],
  ];
  for (const [label, command, args, target] of cases) await coldFigure(label, command, args, runs, target);
  // The explorer's first figures as a user meets them: a few cold processes each (each takes seconds). Exit 1 is a violation found.
  const exploreRuns = Math.min(runs, 3);
  console.log(`start-up: cold \`racelab explore\` processes, ${exploreRuns} of each`);
  await coldFigure('racelab explore', process.execPath, ['bin/racelab.js', 'explore', '--quiet', ...scratchOut], exploreRuns, '(target <= 5000 ms)', [0, 1]);
  await coldFigure(
    'racelab explore --matrix',
    process.execPath,
    ['bin/racelab.js', 'explore', '--matrix', '--quiet'],
    exploreRuns,
    '(target <= 10000 ms)',
    [0, 1],
  );
}

/** A directory's size in bytes, its files summed (an asset is one flat directory). */
function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}

interface TemplateResource {
  Type: string;
  Properties?: { Code?: { S3Key?: unknown } };
}

/** Each Lambda function of the synthesized templates with its asset directory (Code.S3Key is the asset hash). */
function functionAssets(outdir: string): [string, string][] {
  const assets: [string, string][] = [];
  for (const file of readdirSync(outdir).filter((name) => name.endsWith('.template.json'))) {
    const { Resources } = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as { Resources: Record<string, TemplateResource> };
    for (const [id, resource] of Object.entries(Resources)) {
      const key = resource.Properties?.Code?.S3Key;
      if (resource.Type === 'AWS::Lambda::Function' && typeof key === 'string') assets.push([id, join(outdir, `asset.${key.replace(/\.zip$/, '')}`)]);
    }
  }
  return assets;
}

/** `npx cdk synth --quiet` as the deploy guide runs it, each into a fresh directory, then the size of each function's bundle. */
async function synthSection(): Promise<void> {
  const synthRuns = Math.min(runs, 5);
  const args = ['cdk', 'synth', '--quiet', '-c', 'sandboxAccounts=111122223333'];
  console.log(`synth: cold \`npx ${args.join(' ')}\` processes, ${synthRuns} after one unmeasured run (which compiles dist/ if a source changed)`);
  const synth = async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'racelab-bench-synth-'));
    return { outdir, ms: await timeCommand('npx', [...args, '-o', outdir]) };
  };
  rmSync((await synth()).outdir, { recursive: true, force: true });
  const times: number[] = [];
  let last = '';
  for (let i = 0; i < synthRuns; i++) {
    const { outdir, ms } = await synth();
    times.push(ms);
    if (last) rmSync(last, { recursive: true, force: true });
    last = outdir;
    progress('synth', i + 1, synthRuns);
  }
  console.log(`  median wall time     ${fmt(median(times))}   (min ${fmt(Math.min(...times))}, max ${fmt(Math.max(...times))}; target <= 6000 ms on 2 cores)`);
  console.log('  function bundles (the asset directory each function deploys)');
  // Loaded here only: the CDK library is slow to load and no other section needs it.
  const { BUNDLE_BYTES_MAX } = await import('../infra/lab-function.ts');
  for (const [id, dir] of functionAssets(last)) {
    console.log(`    ${id.padEnd(40)} ${(directoryBytes(dir) / 1024).toFixed(0).padStart(5)} KB   (target <= ${BUNDLE_BYTES_MAX / 1024} KB)`);
  }
  rmSync(last, { recursive: true, force: true });
}

/** The README's test command, timed from spawn to exit. */
async function suiteSection(): Promise<void> {
  console.log('the test suite: `npm test`, as the README runs it');
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['test', '--silent'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s wall, exit ${code}   (target <= 90 s)`);
}

console.log(`dns-race-lab bench · node ${process.version} · ${new Date().toISOString()}`);
if (section('startup')) await startupSection();
if (section('cold')) await coldSection();
if (section('warm')) await warmSection();
if (section('latency')) await latencySection();
if (section('explorer')) await explorerSection();
if (section('synth')) await synthSection();
if (section('suite')) await suiteSection();
