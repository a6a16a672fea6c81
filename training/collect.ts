// `racelab exercise collect DIR`: every submission in DIR judged again on this
// machine's lab, never on the trainee's word. Answers are checked against the
// lab's own run; mitigate's snapshot of the trainee's live lab by the same
// judge; a code change by rebuilding the trainee's tree here (the lab at their
// start commit, which must be a commit of this lab's history, plus their
// patch) and running the judge from a pristine copy of it. Then a leaderboard,
// and a debrief of the room's work: the files and functions each change
// touched, which passed, and the invariants the wrong attempts broke first.
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../scenario/usage-error.ts';
import { treeWithPatch } from './change-patch.ts';
import { POINTS, type Exercise, type VerifyResult } from './exercise-model.ts';
import { EXERCISES, exerciseById } from './exercises.ts';
import { judgeInPristineCopy } from './pristine-judge.ts';
import { readSubmission, type ExerciseWork, type Submission } from './submission.ts';

/** The explorer's invariants, as a check line names them: the first one a wrong attempt broke is the debrief's. */
const INVARIANT_LINE = /^(answers|never-older|active-kept|converges|no-crash): violated/;

export interface JudgedExercise {
  id: string;
  /** Judged here. */
  passed: boolean;
  /** What the trainee's own verify said (not counted). */
  passedLocally: boolean;
  points: number;
  hints: number;
  attempts: number;
  /** The first check that failed here, or why it could not be judged. */
  failed?: string;
  /** A code change: the files and the functions (from the patch's hunk headers) it touched. */
  changed?: { files: string[]; functions: string[] };
  /** The invariants the trainee's failed attempts broke first, as their verify recorded them, with counts. */
  brokeFirst?: Record<string, number>;
}

export interface JudgedTrainee {
  trainee: string;
  file: string;
  points: number;
  possible: number;
  /** The trainee's local total, for the record: a forged one shows here and nowhere else. */
  claimed: number;
  exercises: JudgedExercise[];
}

export interface Collected {
  /** Best first: points, then fewer hints, then name. */
  leaderboard: JudgedTrainee[];
  /** Files in the folder that are not submissions, and why. */
  refused: { file: string; why: string }[];
  debrief: { id: string; passed: string[]; failed: string[] }[];
}

const points = (passed: boolean, hints: number) => (passed ? Math.max(0, POINTS.exercise - POINTS.hint * hints) : 0);

/** The files and the enclosing functions a patch touches (git's hunk headers name the function a hunk is in). */
export function touched(patch: string): { files: string[]; functions: string[] } {
  const files = [...patch.matchAll(/^diff --git a\/(\S+) b\//gm)].map((match) => match[1]!);
  const functions = new Set<string>();
  for (const [, context] of patch.matchAll(/^@@ [^@]* @@ ?(.*)$/gm)) {
    const name = /(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(context ?? '')?.[1];
    if (name) functions.add(name);
  }
  for (const [, name] of patch.matchAll(/^\+(?:export )?(?:async )?function\*? ([A-Za-z_$][\w$]*)/gm)) functions.add(name!);
  return { files, functions: [...functions].sort() };
}

function brokeFirst(work: ExerciseWork): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  for (const attempt of work.history ?? []) {
    const invariant = attempt.passed ? undefined : INVARIANT_LINE.exec(attempt.failed ?? '')?.[1];
    if (invariant) counts[invariant] = (counts[invariant] ?? 0) + 1;
  }
  return Object.keys(counts).length ? counts : undefined;
}

const git = (cwd: string, ...args: string[]) => promisify(execFile)('git', args, { cwd }).then((out) => out.stdout.trim());

/** One exercise judged again here. */
async function judge(exercise: Exercise, work: ExerciseWork, labRoot: string): Promise<VerifyResult | string> {
  if (exercise.rules) {
    if (!work.base || work.patch === undefined) return 'no change was submitted (verify it once before submitting)';
    const known = await git(labRoot, 'cat-file', '-t', work.base).catch(() => '');
    if (known !== 'commit')
      return `its start commit ${work.base.slice(0, 12)} is not in this lab's history: the trainee did not start from the lab as handed out`;
    let tree: { dir: string; base: string };
    try {
      tree = await treeWithPatch(labRoot, work.base, work.patch);
    } catch (error) {
      return `the change does not apply to its start commit ${work.base.slice(0, 12)} (${(error as Error).message.split('\n')[0]})`;
    }
    try {
      return await judgeInPristineCopy({ exercise, answers: work.answers ?? {}, root: tree.dir, base: tree.base });
    } finally {
      await rm(tree.dir, { recursive: true, force: true });
    }
  }
  if (exercise.rejudge) {
    // A live lab's exercise: its judge again, on what the trainee's verify read from their lab.
    if (work.snapshot === undefined) return `no snapshot of the live lab was submitted (verify ${exercise.id} once before submitting)`;
    return exercise.rejudge(work.snapshot).catch((error: Error) => `its snapshot cannot be judged (${error.message.split('\n')[0]})`);
  }
  return exercise
    .verify({ answers: work.answers ?? {}, env: {}, root: labRoot })
    .catch((error: Error) => `cannot be judged here (${error.message.split('\n')[0]})`);
}

async function judgeSubmission(file: string, submission: Submission, labRoot: string, progress: (line: string) => void): Promise<JudgedTrainee> {
  const exercises: JudgedExercise[] = [];
  for (const work of submission.exercises) {
    const exercise = exerciseById(work.id);
    progress(`${submission.trainee}: ${work.id}`);
    const outcome = exercise ? await judge(exercise, work, labRoot) : `"${work.id}" is not an exercise of this lab`;
    const passed = typeof outcome !== 'string' && outcome.passed;
    const failed = typeof outcome === 'string' ? outcome : outcome.checks.find((item) => !item.ok)?.says;
    exercises.push({
      id: work.id,
      passed,
      passedLocally: work.passedLocally,
      points: points(passed, work.hints),
      hints: work.hints,
      attempts: work.attempts,
      ...(failed && { failed }),
      ...(work.patch && { changed: touched(work.patch) }),
      ...(brokeFirst(work) && { brokeFirst: brokeFirst(work) }),
    });
  }
  return {
    trainee: submission.trainee,
    file,
    points: exercises.reduce((sum, item) => sum + item.points, 0),
    possible: EXERCISES.length * POINTS.exercise,
    claimed: submission.exercises.reduce((sum, work) => sum + points(work.passedLocally, work.hints), 0),
    exercises,
  };
}

/** Every submission in `dir`, judged again on the lab at `labRoot`; `progress` hears each exercise as it starts. */
export async function collectSubmissions(dir: string, labRoot: string, progress: (line: string) => void = () => {}): Promise<Collected> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the folder ${dir} (${error.code ?? error.message}): give the folder the submissions were copied to`);
  });
  // Answers and snapshots are judged by this lab's own code: it must be the lab as handed out.
  const changed = (await git(labRoot, 'diff', '--name-only', 'HEAD').catch(() => '')).split('\n').filter(Boolean);
  if (changed.length) {
    throw new UsageError(
      `the lab here has changes of its own (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}): collect judges on the ` +
        'lab as handed out; run it in a clean clone of the lab',
    );
  }
  const files = names.filter((name) => name.endsWith('.json')).sort();
  if (!files.length) throw new UsageError(`${dir} holds no .json file: copy each trainee's \`racelab exercise submit --out NAME.json\` there`);
  const refused: Collected['refused'] = [];
  const judged: JudgedTrainee[] = [];
  for (const file of files) {
    const submission = await readSubmission(join(dir, file)).catch((error: Error) => error);
    if (submission instanceof Error) refused.push({ file, why: submission.message });
    else judged.push(await judgeSubmission(file, submission, labRoot, progress));
  }
  const hints = (trainee: JudgedTrainee) => trainee.exercises.reduce((sum, item) => sum + item.hints, 0);
  judged.sort((a, b) => b.points - a.points || hints(a) - hints(b) || a.trainee.localeCompare(b.trainee));
  const debrief = EXERCISES.map((exercise) => {
    const tried = judged.flatMap((trainee) => trainee.exercises.filter((item) => item.id === exercise.id).map((item) => ({ trainee, item })));
    return {
      id: exercise.id,
      passed: tried.filter(({ item }) => item.passed).map(({ trainee }) => trainee.trainee),
      failed: tried.filter(({ item }) => !item.passed).map(({ trainee }) => trainee.trainee),
    };
  }).filter((row) => row.passed.length + row.failed.length > 0);
  return { leaderboard: judged, refused, debrief };
}
