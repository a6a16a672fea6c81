// The training room at the terminal: `racelab exercise preflight` (is this laptop
// ready?) and `racelab exercise bundle` (the lab and its packages, to install on
// every laptop with no network). The checks and the bundle are in training/;
// this is their options, their progress on stderr and what they print.
import { basename } from 'node:path';
import { processEnvironment } from '../infra/environment.ts';
import { PROJECT_ROOT } from '../scenario/project-root.ts';
import { terminalText } from '../scenario/terminal-text.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';
import { styler } from '../report/style.ts';
import { onInterrupt } from './interrupt.ts';
import { parseInteger } from './option-values.ts';

export interface PreflightCliOptions {
  json?: boolean;
  exercise: string[];
  dynamodbPort?: string;
  route53Port?: string;
  dnsPort?: string;
}

const PORT_RANGE = { min: 0, max: 65535 };

/** A line on stderr that says what is being done, replaced by the next (on a terminal only). */
function progressLine(enabled: boolean) {
  let shown = false;
  return {
    say(what: string) {
      if (!enabled) return;
      process.stderr.write(`\r\x1b[K… ${what}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

export async function preflightCommand(options: PreflightCliOptions): Promise<number> {
  const { WORKBOOK_PORTS, runPreflight } = await import('../training/preflight.ts');
  const { EXERCISES, exerciseById } = await import('../training/exercises.ts');
  const ports = {
    dynamodb: parseInteger('--dynamodb-port', options.dynamodbPort, PORT_RANGE) ?? WORKBOOK_PORTS.dynamodb,
    route53: parseInteger('--route53-port', options.route53Port, PORT_RANGE) ?? WORKBOOK_PORTS.route53,
    dns: parseInteger('--dns-port', options.dnsPort, PORT_RANGE) ?? WORKBOOK_PORTS.dns,
  };
  const exercises = options.exercise
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean)
    .map((id) => {
      const exercise = exerciseById(id);
      if (!exercise) throw new UsageError(`--exercise "${id}" is not an exercise; choose from: ${EXERCISES.map((item) => item.id).join(', ')}`);
      return exercise.id;
    });
  const progress = progressLine(Boolean(process.stderr.isTTY) && !options.json);
  // Ctrl-C: the tools still running (each in its own process group) are killed, then racelab exits.
  const interrupted = new AbortController();
  const stopListening = onInterrupt(() => {
    interrupted.abort();
    progress.clear();
    process.exit(EXIT.interrupted);
  });
  const result = await runPreflight({
    exercises,
    ports,
    cwd: process.cwd(),
    root: PROJECT_ROOT,
    env: processEnvironment(),
    onProgress: (what) => progress.say(what),
    signal: interrupted.signal,
  }).finally(() => {
    stopListening();
    progress.clear();
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const style = styler(process.stdout);
    const mark = { pass: style('green', '✓'), warn: style('yellow', '!'), fail: style('red', '✗') };
    for (const check of result.checks) {
      const fix = check.fix ? ` — fix: ${terminalText(check.fix)}` : '';
      process.stdout.write(`${mark[check.status]} ${check.title.padEnd(10)} ${terminalText(check.found)}${fix}\n`);
    }
    const failed = result.checks.filter((check) => check.status === 'fail').length;
    const warned = result.checks.filter((check) => check.status === 'warn').length;
    const session = result.exercises.length === EXERCISES.length ? 'every exercise' : result.exercises.join(', ');
    const took = `${(result.ms / 1000).toFixed(1)} s`;
    const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);
    const warnings = warned ? `, with ${warned} ${plural(warned, 'warning', 'warnings')} (!): read ${plural(warned, 'that line', 'those lines')}` : '';
    process.stdout.write(
      failed
        ? `not ready for ${session}: ${failed} ${plural(failed, 'check', 'checks')} failed (✗); ` +
            `fix ${plural(failed, 'it', 'them')} and run racelab exercise preflight again (${took})\n`
        : `ready for ${session}${warnings} (${took})\n`,
    );
  }
  // A quick run abandoned at its bound may still hold the event loop: racelab ends anyway, once its output is out.
  if (result.checks.some((check) => check.id === 'run' && check.status === 'fail')) setTimeout(() => process.exit(), 1000).unref();
  return result.ready ? EXIT.ok : EXIT.unexpected;
}

export interface BundleCliOptions {
  out: string;
  platform: string[];
  verify: boolean;
  json?: boolean;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;

export async function bundleCommand(options: BundleCliOptions): Promise<number> {
  const { makeBundle, BUNDLE_FILES, BundleInterrupted } = await import('../training/room-bundle.ts');
  const started = performance.now();
  // Ctrl-C: git and npm are killed and the partial bundle removed before racelab exits.
  const interrupted = new AbortController();
  const stopListening = onInterrupt(() => interrupted.abort());
  const made = makeBundle({
    out: options.out,
    root: PROJECT_ROOT,
    platforms: options.platform,
    verify: options.verify,
    env: processEnvironment(),
    // Each step takes seconds to minutes: said on stderr, on a terminal or not.
    onProgress: (what) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${what}\n`),
    signal: interrupted.signal,
  }).finally(stopListening);
  const result = await made.catch((error: unknown) => {
    if (!(error instanceof BundleInterrupted)) throw error;
    return undefined;
  });
  if (!result) {
    process.stderr.write(`racelab: interrupted; nothing was left at ${options.out}\n`);
    return EXIT.interrupted;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [
    `bundle ready in ${result.out} (${(result.ms / 1000).toFixed(0)} s)`,
    `  ${BUNDLE_FILES.repository}   commit ${result.commit.slice(0, 12)}${result.branch ? ` (${result.branch})` : ''}, ${megabytes(result.bytes.repository)}`,
    `  ${BUNDLE_FILES.cache}/            ${result.packages} packages for ${result.platforms.join(', ')}, ${megabytes(result.bytes.cache)}`,
    `  ${megabytes(result.bytes.total)} in all`,
    result.verified
      ? `proved: a fresh clone from it installed with npm ci --offline (no network) in ${(result.verified.installMs / 1000).toFixed(0)} s, ` +
        `and racelab run oct-2025 ended as expected`
      : 'not proved (--no-verify): try it on one laptop first',
    '',
    'On each laptop, with no network: copy the folder onto it, then',
    `  sh ${basename(result.out)}/${BUNDLE_FILES.install}     (macOS, Linux; Windows: the commands in ${BUNDLE_FILES.readme})`,
    'See docs/training/room.md.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (result.uncommitted) {
    process.stderr.write(
      `racelab: note: ${result.uncommitted} file${result.uncommitted > 1 ? 's have' : ' has'} changes not committed; the bundle holds commit ` +
        `${result.commit.slice(0, 12)} without them (commit, then bundle again, to hand them out)\n`,
    );
  }
  return EXIT.ok;
}
