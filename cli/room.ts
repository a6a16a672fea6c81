// The training room at the terminal: `racelab exercise preflight` (is this laptop
// ready?). The checks are in training/; this is their options, their progress on
// stderr and what they print.
import { processEnvironment } from '../infra/environment.ts';
import { PROJECT_ROOT } from '../scenario/project-root.ts';
import { terminalText } from '../scenario/terminal-text.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';
import { styler } from '../report/style.ts';
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
  const result = await runPreflight({
    exercises,
    ports,
    cwd: process.cwd(),
    root: PROJECT_ROOT,
    env: processEnvironment(),
    onProgress: (what) => progress.say(what),
  }).finally(() => progress.clear());
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
  return result.ready ? EXIT.ok : EXIT.unexpected;
}
