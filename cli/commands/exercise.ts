// racelab exercise: the training exercises. list, start N, hint N, verify N,
// score and reset; progress is kept in .racelab-training.json in the working
// tree, so a session survives restarts.
import { Command } from 'commander';
import { processEnvironment } from '../../infra/environment.ts';
import { collect, exitWith } from '../command-options.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';

interface JsonOption {
  json?: boolean;
}

export function command(): Command {
  const exercise = new Command('exercise')
    .description('training: exercises that are checked mechanically, with hints (each costs points) and a score')
    .addHelpText(
      'after',
      `
Exercises (docs/training/trainee.md walks through them; the facilitator's guide,
docs/training/facilitator.md, holds the answer keys):
  observe    read the outage from its timeline
  detect     find the dangling record with dig and the AWS CLI
  mitigate   repair the live lab by hand
  fix        close the race in the Enactor's code, with no safeguard on (proved by the explorer)
  recover    make the automation repair itself, with the race still open (proved by the explorer)
  freeze     throw the kill switch in a live lab before the automation makes things worse, then repair
  stabilize  end DWFM's collapse after DNS is back, in its code, with no lever on (judged over 50 outages)

Progress is kept in .racelab-training.json in the current folder.

Examples:
  racelab exercise list
  racelab exercise start observe
  racelab exercise hint observe
  racelab exercise verify observe --answer emptied-by=az-b --answer second=18 --answer plan=g2
  racelab exercise verify stabilize --answer case=7    # one case of stabilize's judge, tick by tick
  racelab exercise score --json`,
    );
  exercise
    .command('list')
    .description('the exercises, and how far you are with each')
    .option('--json', 'print as JSON')
    .action(async (options: JsonOption) => exitWith(await listExercises(options)));
  exercise
    .command('start')
    .argument('<exercise>', 'its name (observe, detect, mitigate, fix, recover, stabilize) or number')
    .description('print the goal, the context, what to use and how it is verified')
    .action(async (id: string) => exitWith(await startExercise(id)));
  exercise
    .command('hint')
    .argument('<exercise>', 'its name or number')
    .description('the next hint (each one costs points)')
    .action(async (id: string) => exitWith(await nextHint(id)));
  exercise
    .command('verify')
    .argument('<exercise>', 'its name or number')
    .option('--answer <key=value>', 'an answer, for the exercises that ask for some (repeatable)', collect, [])
    .option('--json', 'print the checks as JSON')
    .description('check your work mechanically')
    .action(async (id: string, options: { answer: string[] } & JsonOption) => exitWith(await verifyExercise(id, options)));
  exercise
    .command('score')
    .description('your scorecard')
    .option('--json', 'print as JSON')
    .action(async (options: JsonOption) => exitWith(await scorecard(options)));
  exercise
    .command('reset')
    .description('forget your progress (deletes .racelab-training.json)')
    .option('-y, --yes', 'confirm')
    .action(async (options: { yes?: boolean }) => exitWith(await resetProgress(options)));
  return exercise;
}

async function training() {
  const exercises = await import('../../training/exercises.ts');
  const progress = await import('../../training/progress.ts');
  return { ...exercises, ...progress };
}

async function find(id: string) {
  const t = await training();
  const exercise = t.exerciseById(id);
  if (!exercise) throw new UsageError(`"${id}" is not an exercise; choose from: ${t.EXERCISES.map((item) => item.id).join(', ')}`);
  return { t, exercise };
}

async function listExercises(options: JsonOption): Promise<number> {
  const t = await training();
  const progress = await t.loadProgress();
  const rows = t.EXERCISES.map((exercise, i) => {
    const state = progress.exercises[exercise.id];
    const status = state?.passedAt ? 'passed' : state?.startedAt ? 'started' : 'not started';
    return { number: i + 1, id: exercise.id, title: exercise.title, status, hints: state?.hints ?? 0 };
  });
  if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else
    for (const row of rows)
      process.stdout.write(`${row.number}. ${row.id.padEnd(9)} ${row.title}   [${row.status}${row.hints ? `, ${row.hints} hint(s)` : ''}]\n`);
  return EXIT.ok;
}

async function startExercise(id: string): Promise<number> {
  const { t, exercise } = await find(id);
  // The commit you start from: verify judges your change against it.
  const commit = exercise.judgesCode ? await currentCommit() : undefined;
  const state = await t.updateProgress((progress) => {
    const state = t.entry(progress, exercise.id);
    state.startedAt ??= new Date().toISOString();
    if (exercise.judgesCode) state.base ??= commit;
    return { ...state };
  });
  process.stdout.write(
    [
      exercise.title,
      '',
      `Goal: ${exercise.goal}`,
      `Context: ${exercise.context}`,
      `Use: ${exercise.use}`,
      `Verified by: ${exercise.verifiedBy}`,
      `Hints: ${exercise.hints.length}, each costs ${t.POINTS.hint} of the exercise's ${t.POINTS.exercise} points (racelab exercise hint ${exercise.id}).`,
      ...(exercise.judgesCode
        ? [
            state.base
              ? `Your change is judged against commit ${state.base.slice(0, 12)}.`
              : 'This exercise needs a git clone of the lab: verify compares your change with it.',
          ]
        : []),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

async function nextHint(id: string): Promise<number> {
  const { t, exercise } = await find(id);
  // Counted and recorded in one step under the file's lock, so two hints asked at once are two hints.
  const shown = await t.updateProgress((progress) => {
    const state = t.entry(progress, exercise.id);
    if (state.hints >= exercise.hints.length) return undefined;
    state.hints += 1;
    return state.hints;
  });
  if (shown === undefined) {
    process.stdout.write(`no more hints for ${exercise.id}: you have seen all ${exercise.hints.length}. The facilitator's guide holds the answer key.\n`);
    return EXIT.ok;
  }
  process.stdout.write(`hint ${shown} of ${exercise.hints.length} (−${t.POINTS.hint} points): ${exercise.hints[shown - 1]}\n`);
  return EXIT.ok;
}

async function currentCommit(): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { PROJECT_ROOT } = await import('../../scenario/project-root.ts');
  return promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT })
    .then((out) => out.stdout.trim())
    .catch(() => undefined);
}

function parseAnswers(given: string[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const item of given) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--answer "${item}" must be key=value, e.g. --answer plan=g2`);
    answers[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return answers;
}

async function verifyExercise(id: string, options: { answer: string[] } & JsonOption): Promise<number> {
  const { t, exercise } = await find(id);
  const progress = await t.loadWritableProgress();
  const { PROJECT_ROOT } = await import('../../scenario/project-root.ts');
  const base = progress.exercises[exercise.id]?.base;
  const outcome = await exercise.verify({ answers: parseAnswers(options.answer), env: processEnvironment(), base, root: PROJECT_ROOT });
  // Recorded on the file as it is now: hints taken while verify ran are kept.
  await t.updateProgress((now) => {
    const state = t.entry(now, exercise.id);
    state.attempts += 1;
    if (outcome.passed) state.passedAt ??= new Date().toISOString();
  });
  if (options.json) process.stdout.write(`${JSON.stringify({ exercise: exercise.id, ...outcome }, null, 2)}\n`);
  else {
    for (const item of outcome.checks) process.stdout.write(`${item.ok ? '✓' : '✗'} ${item.says}\n`);
    process.stdout.write(outcome.passed ? `PASS: ${exercise.id}\n` : `not yet: ${exercise.id} (racelab exercise hint ${exercise.id} for a hint)\n`);
  }
  return outcome.passed ? EXIT.ok : EXIT.unexpected;
}

async function scorecard(options: JsonOption): Promise<number> {
  const t = await training();
  const progress = await t.loadProgress();
  const rows = t.EXERCISES.map((exercise) => {
    const state = progress.exercises[exercise.id];
    const points = state?.passedAt ? Math.max(0, t.POINTS.exercise - t.POINTS.hint * state.hints) : 0;
    return { id: exercise.id, passed: Boolean(state?.passedAt), hints: state?.hints ?? 0, attempts: state?.attempts ?? 0, points };
  });
  const total = rows.reduce((sum, row) => sum + row.points, 0);
  const possible = t.EXERCISES.length * t.POINTS.exercise;
  if (options.json) process.stdout.write(`${JSON.stringify({ rows, total, possible }, null, 2)}\n`);
  else {
    for (const row of rows) {
      process.stdout.write(`${row.id.padEnd(9)} ${row.passed ? 'passed' : 'not yet'}   hints ${row.hints}   attempts ${row.attempts}   ${row.points} points\n`);
    }
    process.stdout.write(`total: ${total} of ${possible} points\n`);
  }
  return EXIT.ok;
}

async function resetProgress(options: { yes?: boolean }): Promise<number> {
  const t = await training();
  if (!options.yes) throw new UsageError(`reset deletes your progress (${t.progressPath()}); run it again with --yes to confirm`);
  await t.resetProgress();
  process.stdout.write('progress reset\n');
  return EXIT.ok;
}
