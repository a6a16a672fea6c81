// racelab exercise: the training exercises. list, start N, hint N, verify N,
// score and reset; progress is kept in .racelab-training.json in the working
// tree, so a session survives restarts.
import { Command } from 'commander';
import { collect, exitWith } from '../command-options.ts';
import { onInterrupt } from '../interrupt.ts';
import type { VerifyResult } from '../../training/exercise-model.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';
import type { BundleCliOptions, PreflightCliOptions } from '../room.ts';
import { EXERCISES } from '../../training/exercises.ts';

/** The exercises as help lists them, one line each, from their titles ("Observe: read the outage…"). */
function exerciseList(): string {
  return EXERCISES.map((item, i) => `  ${i + 1}. ${item.id.padEnd(10)} ${item.title.slice(item.title.indexOf(':') + 1).trim()}`).join('\n');
}

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
${exerciseList()}

Progress is kept in .racelab-training.json in the current folder.

Examples:
  racelab exercise list
  racelab exercise start observe
  racelab exercise hint observe
  racelab exercise verify observe --answer emptied-by=<actor> --answer second=<s> --answer plan=<gN>
  racelab exercise verify stabilize --answer case=7    # one case of stabilize's judge, tick by tick
  racelab exercise score --json
  racelab exercise submit --out alice.json             # hand your work to the facilitator
  racelab exercise collect submissions/ --html room.html   # facilitator: judge the room again`,
    );
  exercise
    .command('list')
    .description('the exercises, and how far you are with each')
    .option('--json', 'print as JSON')
    .action(async (options: JsonOption) => exitWith(await listExercises(options)));
  exercise
    .command('start')
    .argument('<exercise>', 'its name or number (the list below)')
    .description('print the goal, the context, what to use and how it is verified')
    .addHelpText('after', `\nExercises:\n${exerciseList()}`)
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
    .command('submit')
    .description("hand in your work: answers, your change as a patch, mitigate's lab snapshot and saved runs, in one file")
    .requiredOption('--out <file>', 'the submission file to write (JSON); checked before anything is gathered')
    .option('--name <name>', "your name on the leaderboard (default: git's user.name, else your login)")
    .option('--run <file>', 'a saved run (racelab run --save) to hand in too (repeatable)', collect, [])
    .option('--force', 'let --out replace a file that is not an earlier submission, or write through a symbolic link')
    .action(async (options: SubmitOptions) => exitWith(await submit(options)));
  exercise
    .command('collect')
    .argument('<dir>', "the folder holding the room's submission files")
    .description("facilitator: judge every submission again on this lab, print a leaderboard and the room's debrief")
    .option('--json', 'print the leaderboard and debrief as JSON')
    .option('--html <file>', 'also write them as a self-contained page; checked before the judging')
    .option('--force', 'let --html replace a file that is not an earlier collect page, or write through a symbolic link')
    .action(async (dir: string, options: CollectOptions) => exitWith(await collectRoom(dir, options)));
  // Run by verify, from a pristine copy of the lab (training/pristine-judge.ts); not for people.
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
  // The room: is this laptop ready (preflight), and the lab to install with no network (bundle); cli/room.ts and training/.
  exercise
    .command('preflight')
    .description('is this laptop ready for the training? one line per check, with the fix; exit 1 if one fails')
    .option('--exercise <name>', "only this session's exercises (repeat, or comma-separate): a tool only the others need is then a warning", collect, [])
    .option('--dynamodb-port <port>', `the port racelab up will be given for DynamoDB (default 8000, as in the workbook; 0: up picks one)`)
    .option('--route53-port <port>', 'the port for Route 53 (default 8053)')
    .option('--dns-port <port>', 'the port for DNS, UDP and TCP (default 5300)')
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      `
Checks (✓ passes, ! warns and does not fail, ✗ fails; exit 0 when none fails):
  Node.js    the version package.json asks for (20.20 to 22.12: a warning)
  npm        7 or newer
  git        present, and the lab a git clone               fix, recover, stabilize
  dig        present, and it gets an answer from the lab     detect, mitigate
  AWS CLI    present; reads AWS_ENDPOINT_URL_* (from 2.13.0, v1 from 1.29.0; an older one
             is a warning: add --endpoint-url to each command); lists the lab's tables
                                                             detect, mitigate
  ports      racelab up's ports free on 127.0.0.1            detect, mitigate
  folder     this folder writable: progress is kept in .racelab-training.json
  quick run  oct-2025 on the embedded target ends as expected (its lab answers dig and aws)
A missing tool fails only if an exercise of the session needs it (all six unless
--exercise says). Each tool has 10 s to answer (20 s against the lab), the run 60 s.

Examples:
  racelab exercise preflight
  racelab exercise preflight --exercise observe,detect,mitigate     # the 90-minute session
  racelab exercise preflight --dns-port 5301                         # then: racelab up ... --dns-port 5301
  racelab exercise preflight --json`,
    )
    .action(async (options: PreflightCliOptions) => exitWith(await (await import('../room.ts')).preflightCommand(options)));
  exercise
    .command('bundle')
    .description('for a room without network: the lab and its npm packages in one folder, to install on every laptop offline')
    .requiredOption('--out <folder>', 'the folder to create (new, or empty)')
    .option('--platform <os-cpu>', "a laptop platform to serve (repeat, or comma-separate; 'all': every one)", collect, [])
    .option('--no-verify', 'skip proving the bundle with an offline install in a temporary folder')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Run it once, on a machine with network, in your clone of the lab. It writes:
  dns-race-lab.bundle   the lab's last commit with its history (git clone works from it)
  npm-cache/            every package package-lock.json names, with its registry data,
                        for the platforms (default: darwin-arm64, darwin-x64, linux-x64,
                        linux-arm64, win32-x64, and this machine's)
  install.sh, README.txt
then proves it: a fresh clone from it, npm ci --offline with no network, racelab
run oct-2025. On each laptop: sh install.sh (docs/training/room.md).

Examples:
  racelab exercise bundle --out /media/usb/racelab-room
  racelab exercise bundle --out room --platform darwin-arm64,win32-x64`,
    )
    .action(async (options: BundleCliOptions) => exitWith(await (await import('../room.ts')).bundleCommand(options)));
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
  const rows = t.exerciseStatuses(await t.loadProgress());
  if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else
    for (const row of rows)
      process.stdout.write(`${row.number}. ${row.id.padEnd(9)} ${row.title}   [${row.status}${row.hints ? `, ${row.hints} hint(s)` : ''}]\n`);
  return EXIT.ok;
}

async function startExercise(id: string): Promise<number> {
  const { t, exercise } = await find(id);
  // The commit you start from, recorded in git: verify judges your change against it, from its tree.
  const commit = exercise.rules ? await recordStart(exercise.id) : undefined;
  const state = await t.updateProgress((progress) => {
    const state = t.entry(progress, exercise.id);
    state.startedAt ??= new Date().toISOString();
    // A copy to show; the judge reads git's.
    if (exercise.rules) state.base = commit;
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
      ...(exercise.rules
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

async function recordStart(exercise: string): Promise<string | undefined> {
  const { recordStart } = await import('../../training/start-commit.ts');
  const { PROJECT_ROOT } = await import('../../scenario/project-root.ts');
  return recordStart(PROJECT_ROOT, exercise);
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
  const { judgeExercise, recordAttempt } = await import('../../training/verify-exercise.ts');
  const answers = parseAnswers(options.answer);
  const controller = new AbortController();
  // A code exercise's judge is a process of its own, with a copy to remove: stopped, then cleaned up. An answered
  // exercise has nothing to clean up, so a signal ends it as it ends any command.
  const stopListening = exercise.rules ? onInterrupt(() => controller.abort()) : () => {};
  let outcome: VerifyResult;
  try {
    outcome = await judgeExercise(exercise, answers, progress.exercises[exercise.id]?.base, controller.signal);
  } finally {
    stopListening();
  }
  if (controller.signal.aborted) {
    process.stderr.write(`racelab: verify ${exercise.id} interrupted: nothing recorded\n`);
    return EXIT.interrupted;
  }
  await recordAttempt(exercise, answers, outcome);
  printOutcome(exercise.id, outcome, options);
  return outcome.passed ? EXIT.ok : EXIT.unexpected;
}

function printOutcome(id: string, outcome: VerifyResult, options: JsonOption): void {
  if (options.json) process.stdout.write(`${JSON.stringify({ exercise: id, ...outcome }, null, 2)}\n`);
  else {
    for (const item of outcome.checks) process.stdout.write(`${item.ok ? '✓' : '✗'} ${item.says}\n`);
    process.stdout.write(outcome.passed ? `PASS: ${id}\n` : `not yet: ${id} (racelab exercise hint ${id} for a hint)\n`);
  }
}

interface SubmitOptions {
  out: string;
  name?: string;
  run: string[];
  force?: boolean;
}

async function submit(options: SubmitOptions): Promise<number> {
  const t = await training();
  const { checkOutput, FILE_FORMATS } = await import('../../report/output-file.ts');
  const output = await checkOutput({ option: '--out', path: options.out, format: FILE_FORMATS.submission, force: options.force });
  const { loadSavedRun } = await import('../../report/saved-run.ts');
  const { basename } = await import('node:path');
  // Each run checked as `racelab report` checks it: a file that is not a saved run is named now, not at the facilitator's.
  const runs = await Promise.all(options.run.map(async (file) => ({ file: basename(file), run: await loadSavedRun(file) })));
  const { PROJECT_ROOT, projectVersion } = await import('../../scenario/project-root.ts');
  const { submissionOf, traineeName, headCommit } = await import('../../training/submission.ts');
  const progress = await t.loadProgress();
  const submission = submissionOf(
    progress,
    t.EXERCISES.map((item) => item.id),
    { trainee: options.name?.trim() || (await traineeName(PROJECT_ROOT)), labVersion: projectVersion(), labCommit: await headCommit(PROJECT_ROOT), runs },
  );
  if (!submission.exercises.length) throw new UsageError('you have started no exercise yet: nothing to submit (racelab exercise list)');
  await output.write(`${JSON.stringify(submission, null, 2)}\n`);
  const passed = submission.exercises.filter((item) => item.passedLocally).length;
  process.stdout.write(
    `wrote ${output.path}: ${submission.exercises.length} exercise(s) (${passed} passed here), ${runs.length} saved run(s), as ${submission.trainee}\n` +
      'hand it to your facilitator: racelab exercise collect judges it again on their lab\n',
  );
  return EXIT.ok;
}

interface CollectOptions extends JsonOption {
  html?: string;
  force?: boolean;
}

async function collectRoom(dir: string, options: CollectOptions): Promise<number> {
  const { checkOutput, FILE_FORMATS, OutputError } = await import('../../report/output-file.ts');
  const page =
    options.html === undefined ? undefined : await checkOutput({ option: '--html', path: options.html, format: FILE_FORMATS.collect, force: options.force });
  const { PROJECT_ROOT } = await import('../../scenario/project-root.ts');
  const { collectSubmissions } = await import('../../training/collect.ts');
  const started = Date.now();
  const collected = await collectSubmissions(dir, PROJECT_ROOT, (line) =>
    process.stderr.write(`racelab: judging ${line} (${Math.round((Date.now() - started) / 1000)} s)\n`),
  );
  const { collectedPage, collectedText } = await import('../../training/collect-page.ts');
  if (options.json) process.stdout.write(`${JSON.stringify(collected, null, 2)}\n`);
  else process.stdout.write(collectedText(collected));
  if (page) {
    try {
      await page.write(collectedPage(collected));
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      process.stderr.write(`racelab: ${error.message}\n`);
      return EXIT.unexpected;
    }
  }
  return EXIT.ok;
}

async function scorecard(options: JsonOption): Promise<number> {
  const t = await training();
  const { rows, total, possible } = t.scorecardOf(await t.loadProgress());
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
  const { forgetStarts } = await import('../../training/start-commit.ts');
  const { PROJECT_ROOT } = await import('../../scenario/project-root.ts');
  await forgetStarts(PROJECT_ROOT);
  process.stdout.write('progress reset\n');
  return EXIT.ok;
}
