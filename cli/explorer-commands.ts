// The service behind racelab explore and racelab check (cli/commands/): the
// explorer on the real Planner and Enactor code, its output and the matrix.
import { availableParallelism } from 'node:os';
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import {
  BOUND_LIMITS,
  CHANGED_CODE_LIMITS,
  CHECK_BOUND_SETS,
  DEFAULT_BOUNDS,
  INCIDENT_BOUNDS,
  describeBounds,
  describeConfig,
  MATRIX_ROWS,
  type ExplorerConfig,
} from '../explorer/config.ts';
import { counterexampleEvents, counterexampleReport, counterexampleScenario, readableCounterexample, renderSchedule } from '../explorer/counterexample.ts';
import { INVARIANT_NAMES, INVARIANTS, type InvariantName } from '../explorer/invariant-names.ts';
import { exhaustiveInParallel } from '../explorer/parallel-proof.ts';
import type { Counterexample, SearchOptions } from '../explorer/search.ts';
import { replayVerdict } from '../local/replay-verdict.ts';
import { invariantVerdicts, runSearch, type Found, type SearchPlan } from '../explorer/search-plan.ts';
import { onInterrupt } from './interrupt.ts';
import { parseInteger, parseSafeguards } from './option-values.ts';
import { checkOutput, FILE_FORMATS, MARKERS, OutputError, type Output } from '../report/output-file.ts';
import { renderTimeline } from '../report/render-timeline.ts';
import { MATRIX_PROGRESS_EVERY_MS, type CellProgress } from '../explorer/matrix-pool.ts';
import type { CellLimits } from '../explorer/matrix-worker.ts';
import { searchProgress } from './search-progress.ts';
import { styler } from '../report/style.ts';
import type { Scenario } from '../scenario/schema.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';

export interface ExploreOptions {
  safeguard: string[];
  enactors?: string;
  endpoints?: string;
  generations?: string;
  retries?: string;
  keep?: string;
  random?: string;
  seed?: string;
  statesMax?: string;
  matrix?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** explore's --no-symmetry sets it false. */
  symmetry?: boolean;
}

/** The harm each invariant stands for, worst first: which counterexample to show. */
const SEVERITY: InvariantName[] = ['no-crash', 'answers', 'converges', 'active-kept', 'never-older'];

export function parseExplorerConfig(options: ExploreOptions, safeguards: Safeguard[]): ExplorerConfig {
  const bound = (option: string, value: string | undefined, key: keyof typeof BOUND_LIMITS) =>
    parseInteger(option, value, BOUND_LIMITS[key]) ?? DEFAULT_BOUNDS[key];
  return {
    enactors: bound('--enactors', options.enactors, 'enactors'),
    endpoints: bound('--endpoints', options.endpoints, 'endpoints'),
    generations: bound('--generations', options.generations, 'generations'),
    retries: bound('--retries', options.retries, 'retries'),
    keepGenerations: bound('--keep', options.keep, 'keepGenerations'),
    safeguards,
  };
}

function interruptible(): { limits: Pick<SearchOptions, 'shouldStop'>; dispose: () => void } {
  let stop = false;
  const dispose = onInterrupt(() => {
    stop = true;
    process.stderr.write('\ninterrupted: finishing with what was explored so far\n');
  });
  return { limits: { shouldStop: () => stop }, dispose };
}

/** The search on the terminal: its progress on stderr around the search itself. */
async function search(config: ExplorerConfig, options: ExploreOptions, label: string, limits: SearchOptions): Promise<Found> {
  const plan = searchPlan(options);
  const progress = searchProgress(label, { quiet: options.quiet });
  try {
    return await runSearch(config, plan, { symmetry: options.symmetry !== false, ...limits, onProgress: progress.onProgress });
  } finally {
    progress.finish();
  }
}

/** How to search, from the options: checked before anything runs. */
function searchPlan(options: ExploreOptions): SearchPlan {
  return {
    walks: parseInteger('--random', options.random, { min: 1, max: 10_000_000 }),
    seed: parseInteger('--seed', options.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 1,
    statesMax: parseInteger('--states-max', options.statesMax, { min: 1, max: 100_000_000 }),
  };
}

const printJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const notReproduced = (expected: string): string =>
  `does NOT reproduce: the counterexample ends in ${expected}; the interleaving needs a gap inside one step, which a scenario cannot script`;

/** The worst violation found, made as short as the shrinker can, each step's calls together where they commute. */
async function worstCounterexample(result: Found): Promise<Counterexample | undefined> {
  const worst = SEVERITY.map((name) => result.violations[name]).find(Boolean);
  return worst && readableCounterexample(result.config, worst);
}

export async function exploreCommand(options: ExploreOptions): Promise<number> {
  const safeguards = parseSafeguards(options.safeguard);
  if (options.matrix) {
    // The matrix chooses the safeguards itself and writes no counterexample.
    if (safeguards.length || options.out) throw new UsageError('--matrix runs the baseline, each safeguard and each pair itself: drop --safeguard and --out');
    return matrixCommand(options);
  }
  const config = parseExplorerConfig(options, safeguards);
  // Checked before the search, so a long search never ends in a file that cannot be written.
  const out = await checkOutput({
    option: '--out',
    path: options.out ?? 'counterexample.json',
    format: FILE_FORMATS.counterexample,
    force: options.force === true,
  });
  const paint = styler(process.stdout);
  // explore alone searches on every core (check and the matrix's cells stay on one thread each), once any bound
  // is past its default: within them the search takes about a second, less than starting the threads.
  const parallel = (Object.keys(DEFAULT_BOUNDS) as (keyof typeof DEFAULT_BOUNDS)[]).some((bound) => config[bound] > DEFAULT_BOUNDS[bound]);
  const result = await searchInterruptibly(config, options, 'exploring', parallel ? { prove: exhaustiveInParallel, threads: availableParallelism() } : {});
  const counterexample = await worstCounterexample(result);
  let replay: { outcome: string; expected: string } | undefined;
  if (counterexample) {
    const { report, execution } = await counterexampleReport(config, counterexample);
    const scenario = await counterexampleScenario(config, counterexample, execution, report.outcome);
    const notWritten = await writeCounterexample(out, scenario);
    replay = await replayVerdict(scenario, config.safeguards);
    if (options.json) {
      const found = { ...counterexample, trace: execution.trace, file: notWritten ? null : out.path, replay };
      process.stdout.write(
        printJson({ config, search: result.lines, complete: result.complete, invariants: invariantVerdicts(result), counterexample: found }),
      );
    } else {
      process.stdout.write(`${header(config, result)}\n\n`);
      process.stdout.write(
        `${paint('bold', `shortest counterexample found (${counterexample.invariant}, ${counterexample.schedule.length} steps):`)} ${counterexample.detail}\n`,
      );
      process.stdout.write(`${renderSchedule(execution)}\n\n${renderTimeline(report, paint)}\n\n`);
      if (!notWritten) process.stdout.write(`wrote ${out.path}\n  replay: racelab run --from ${out.path}\n`);
      const verdict = replay.outcome === replay.expected ? 'reproduces the counterexample' : notReproduced(replay.expected);
      process.stdout.write(`  replayed on the embedded target now: ${replay.outcome} (${verdict})\n`);
    }
    // Said last, after what the search found: the search is not lost to a file that could not be written.
    if (notWritten) process.stderr.write(`racelab: ${notWritten}; the counterexample is printed above, but not saved\n`);
  } else if (options.json) {
    process.stdout.write(printJson({ config, search: result.lines, complete: result.complete, invariants: invariantVerdicts(result) }));
  } else {
    process.stdout.write(`${header(config, result)}\n`);
  }
  if (!options.json && !options.quiet) process.stdout.write(goFurther(config));
  // Exit 0 only when every invariant was proved: scripts can use explore as a check.
  return counterexample || !result.complete ? EXIT.unexpected : EXIT.ok;
}

/** Where a newcomer goes after a first, quick explore: the incident's size, longer races, the whole matrix. */
function goFurther(config: ExplorerConfig): string {
  const steps = [
    config.enactors < INCIDENT_BOUNDS.enactors || config.endpoints < INCIDENT_BOUNDS.endpoints
      ? `--enactors ${INCIDENT_BOUNDS.enactors} --endpoints ${INCIDENT_BOUNDS.endpoints}: the incident's size, three AZs and three endpoints (minutes)`
      : undefined,
    `--generations ${config.generations + 1}: a longer race (more plans while the Enactors run)`,
    '-s <safeguard>: the same search with a safeguard on (racelab explore --help lists them)',
    '--matrix: every safeguard alone and each pair, side by side',
  ].filter((step) => step !== undefined);
  return `\ngo further:\n${steps.map((step) => `  racelab explore ${step}`).join('\n')}\n`;
}

/** Writes the counterexample's scenario file, marked as racelab's; returns why it could not, in one line. */
async function writeCounterexample(out: Output, scenario: Scenario): Promise<string | undefined> {
  try {
    await out.write(printJson({ generator: MARKERS.counterexample, ...scenario }));
    return undefined;
  } catch (error) {
    if (error instanceof OutputError) return error.message;
    throw error;
  }
}

function header(config: ExplorerConfig, result: Found): string {
  const paint = styler(process.stdout);
  const lines = [paint('bold', `racelab explore · ${describeConfig(config)}`), ...result.lines, 'invariants:'];
  for (const row of invariantVerdicts(result)) {
    const mark =
      row.verdict === 'holds' ? paint('green', '✓ holds    ') : row.verdict === 'violated' ? paint('red', '✗ violated ') : paint('yellow', '? not found');
    const tail = row.verdict === 'violated' ? ` (first found: ${row.counterexampleSteps} steps, before shrinking)` : '';
    lines.push(`  ${mark} ${row.invariant.padEnd(12)} ${row.meaning}${tail}`);
  }
  return lines.join('\n');
}

/**
 * Independent searches (the matrix's cells, check's bound sets) in worker threads, one per core, with a line on
 * stderr as each finishes and, every 10 s, one naming those under way: there is no single search to follow.
 */
async function searchInPool(configs: ExplorerConfig[], name: (index: number) => string, options: ExploreOptions, limits: CellLimits, label: string) {
  const interrupt = interruptible();
  const started = performance.now();
  let done = 0;
  const seconds = () => Math.round((performance.now() - started) / 1000);
  const running = new Map<number, CellProgress>();
  let said = performance.now();
  const onDone = (index: number) => {
    running.delete(index);
    if (!options.quiet) process.stderr.write(`  ${label}: ${++done} of ${configs.length} done (${name(index)}), ${seconds()} s\n`);
  };
  const onProgress = (index: number, progress: CellProgress) => {
    running.set(index, progress);
    if (options.quiet || performance.now() - said < MATRIX_PROGRESS_EVERY_MS) return;
    said = performance.now();
    const cells = [...running].map(([cell, { phase, states }]) => `${name(cell)} (${phase}, ${states.toLocaleString('en')} states)`);
    process.stderr.write(`  ${label}: ${done} of ${configs.length} done, ${seconds()} s; searching: ${cells.join(', ')}\n`);
  };
  try {
    const { searchAll } = await import('../explorer/matrix-pool.ts');
    return await searchAll(configs, { plan: searchPlan(options), limits, onDone, onProgress, shouldStop: interrupt.limits.shouldStop });
  } finally {
    interrupt.dispose();
  }
}

async function matrixCommand(options: ExploreOptions): Promise<number> {
  const paint = styler(process.stdout);
  const base = parseExplorerConfig(options, []);
  const matrix = MATRIX_ROWS;
  const found = await searchInPool(
    matrix.map((safeguards) => ({ ...base, safeguards })),
    (index) => matrix[index]!.join(' + ') || 'baseline',
    options,
    { symmetry: options.symmetry !== false },
    'matrix',
  );
  const rows = found.map((result, index) => ({ safeguards: matrix[index]!, result }));
  if (options.json) {
    const rowsJson = rows.map((r) => ({
      safeguards: r.safeguards,
      complete: r.result.complete,
      states: r.result.states,
      elapsedMs: Math.round(r.result.elapsedMs),
      search: r.result.lines,
      invariants: invariantVerdicts(r.result),
    }));
    process.stdout.write(printJson({ bounds: { ...base, safeguards: undefined }, rows: rowsJson }));
    return EXIT.ok;
  }
  process.stdout.write(`${paint('bold', `racelab explore --matrix · ${describeConfig(base).replace(/; safeguards: none$/, '')}`)}\n`);
  process.stdout.write(`each cell: ✓ the invariant holds for every interleaving within the bounds, or ✗ with the shortest counterexample found (steps)\n`);
  process.stdout.write(`(a seeded random pre-pass looks for counterexamples first; the exhaustive search proves the rest)\n\n`);
  const widths = [40, ...INVARIANT_NAMES.map((name) => Math.max(name.length, 7))];
  process.stdout.write(
    `${'safeguards'.padEnd(widths[0]!)} ${INVARIANT_NAMES.map((name, i) => name.padEnd(widths[i + 1]!)).join(' ')} ${'states'.padStart(9)} ` +
      `${'time'.padStart(7)}\n`,
  );
  for (const { safeguards, result } of rows) {
    const cells = INVARIANT_NAMES.map((name, i) => {
      const found = result.violations[name];
      const text = found ? `✗ ${found.schedule.length}` : '✓';
      return paint(found ? 'red' : 'green', text.padEnd(widths[i + 1]!));
    });
    const complete = result.complete ? '' : ' (incomplete: ✓ not proved)';
    process.stdout.write(
      `${(safeguards.join(' + ') || 'baseline').padEnd(widths[0]!)} ${cells.join(' ')} ${result.states.toLocaleString('en').padStart(9)} ` +
        `${`${(result.elapsedMs / 1000).toFixed(1)}s`.padStart(7)}${complete}\n`,
    );
  }
  return EXIT.ok;
}

/**
 * racelab check: the bounded exploration against the Enactor as it stands in
 * this working tree (a trainee's patch). Pass means no interleaving breaks a
 * required invariant at any of the bound sets: those given, or else every one of
 * CHECK_BOUND_SETS, searched side by side on the cores.
 */
export async function checkCommand(options: ExploreOptions & { invariant: string[] }): Promise<number> {
  const safeguards = parseSafeguards(options.safeguard);
  const required = parseInvariants(options.invariant);
  const configs = checkConfigs(options, safeguards);
  // Check judges code the user changed: only the reductions that hold for any Enactor.
  const limits: CellLimits = { stopOn: required, ...CHANGED_CODE_LIMITS };
  const found =
    configs.length === 1
      ? [await searchInterruptibly(configs[0]!, options, 'checking', limits)]
      : await searchInPool(configs, (index) => describeBounds(configs[index]!), options, limits, 'check');
  const failedAt = found.find((result) => required.some((name) => result.violations[name]));
  const failed = failedAt && required.map((name) => failedAt.violations[name]).find(Boolean);
  // Complete: every set searched to the end (Ctrl-C leaves sets out, or stops them part-way).
  const complete = found.length === configs.length && found.every((result) => result.complete);
  const decided = failedAt ?? found.at(-1) ?? { config: configs[0]!, lines: [] as string[] };
  const paint = styler(process.stdout);
  const verdict = failed ? paint('red', 'FAIL') : complete ? paint('green', 'PASS') : paint('yellow', 'INCOMPLETE');
  if (options.json) {
    const counterexample = failed ? await readableCounterexample(failedAt.config, failed) : undefined;
    const trace = counterexample ? (await counterexampleEvents(failedAt!.config, counterexample)).execution.trace : undefined;
    const sets = found.map((result) => ({
      config: result.config,
      complete: result.complete,
      search: result.lines,
      violated: required.filter((name) => result.violations[name]),
    }));
    process.stdout.write(
      printJson({
        pass: !failed && complete,
        required,
        config: decided.config,
        search: decided.lines,
        sets,
        counterexample: counterexample && { ...counterexample, trace },
      }),
    );
  } else {
    const header =
      configs.length === 1
        ? `racelab check · ${describeConfig(configs[0]!)}`
        : `racelab check · safeguards: ${safeguards.join(', ') || 'none'} · ${configs.length} bound sets, each searched on its own; PASS needs every one`;
    const sets = found.map((result) => {
      const mark = required.some((name) => result.violations[name]) ? 'FAIL' : result.complete ? 'PASS' : 'INCOMPLETE';
      return configs.length === 1
        ? result.lines.join('\n')
        : `${describeBounds(result.config)}: ${mark}\n${result.lines.map((line) => `  ${line}`).join('\n')}`;
    });
    const at = failedAt && configs.length > 1 ? ` at ${describeBounds(failedAt.config)}` : '';
    process.stdout.write(
      `${paint('bold', header)}\n${sets.join('\n')}\nrequired: ${required.map((name) => `${name} (${INVARIANTS[name]})`).join('; ')}\n${verdict}${at}\n`,
    );
    if (failed) {
      const counterexample = await readableCounterexample(failedAt.config, failed);
      const { report, execution } = await counterexampleReport(failedAt.config, counterexample);
      process.stdout.write(
        `\ncounterexample (${counterexample.schedule.length} steps): ` +
          `${counterexample.detail}\n${renderSchedule(execution)}\n\n${renderTimeline(report, paint)}\n`,
      );
    }
  }
  if (failed) return EXIT.unexpected;
  return complete ? EXIT.ok : EXIT.unexpected;
}

/** The bounds given, or, when no bound option is, every set check proves at by default. */
function checkConfigs(options: ExploreOptions, safeguards: Safeguard[]): ExplorerConfig[] {
  const given = [options.enactors, options.endpoints, options.generations, options.retries, options.keep].some((value) => value !== undefined);
  if (given) return [parseExplorerConfig(options, safeguards)];
  return CHECK_BOUND_SETS.map((bounds) => ({ ...bounds, safeguards }));
}

/** One search on this thread, with its live progress, stopped by Ctrl-C. */
async function searchInterruptibly(config: ExplorerConfig, options: ExploreOptions, label: string, limits: SearchOptions): Promise<Found> {
  const interrupt = interruptible();
  try {
    return await search(config, options, label, { ...interrupt.limits, ...limits });
  } finally {
    interrupt.dispose();
  }
}

/** Every invariant unless --invariant narrows the set: a fix that keeps DNS answering but leaves the automation stuck must not pass. */
function parseInvariants(names: readonly string[]): InvariantName[] {
  const given = names
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (given.length === 0) return [...INVARIANT_NAMES];
  const chosen = new Set<InvariantName>();
  for (const name of given) {
    if (!(INVARIANT_NAMES as string[]).includes(name))
      throw new UsageError(`--invariant "${name}" is not an invariant; choose from: ${INVARIANT_NAMES.join(', ')}`);
    chosen.add(name as InvariantName);
  }
  return INVARIANT_NAMES.filter((name) => chosen.has(name));
}
