// What `racelab exercise verify` does besides printing: judge the exercise (an
// answered one here, a code one from a pristine copy at the start commit git
// holds), keep what was judged for `exercise submit`, and record the attempt.
import { processEnvironment } from '../infra/environment.ts';
import { PROJECT_ROOT } from '../scenario/project-root.ts';
import { patchOfChange } from './change-patch.ts';
import type { Exercise, VerifyResult } from './exercise-model.ts';
import { judgeInPristineCopy } from './pristine-judge.ts';
import { entry, updateProgress } from './progress.ts';
import { startCommit } from './start-commit.ts';

/**
 * An answered exercise is judged here; a code exercise by a pristine copy of the lab at the start commit git holds
 * (never the progress file's, which may have been edited), with only the exercise's files taken from this tree.
 */
export async function judgeExercise(
  exercise: Exercise,
  answers: Record<string, string>,
  fileBase: string | undefined,
  signal: AbortSignal,
): Promise<VerifyResult> {
  if (!exercise.rules) return exercise.verify({ answers, env: processEnvironment(), root: PROJECT_ROOT });
  const base = await startCommit(PROJECT_ROOT, exercise.id);
  if (!base)
    return {
      passed: false,
      checks: [{ ok: false, says: `no start commit recorded in git: run racelab exercise start ${exercise.id} in a git clone of the lab` }],
    };
  const outcome = await judgeInPristineCopy({ exercise, answers, root: PROJECT_ROOT, base, signal });
  if (fileBase === undefined || fileBase === base) return outcome;
  const moved =
    `.racelab-training.json names start commit ${fileBase.slice(0, 12)}, but exercise start recorded ${base.slice(0, 12)} in git: ` +
    `judged against ${base.slice(0, 12)}; the progress file is not where the start is kept`;
  return { passed: false, checks: [{ ok: false, says: moved }, ...outcome.checks] };
}

/** What a verify judged, to keep for `exercise submit`: the answers, the change as a patch, the live lab's snapshot. */
async function judgedWork(exercise: Exercise, answers: Record<string, string>, outcome: VerifyResult) {
  const work: { answers?: Record<string, string>; patch?: string; snapshot?: unknown } = {};
  if (Object.keys(answers).length) work.answers = answers;
  if (outcome.evidence !== undefined) work.snapshot = outcome.evidence;
  if (exercise.rules) {
    const base = await startCommit(PROJECT_ROOT, exercise.id);
    if (base) work.patch = await patchOfChange(PROJECT_ROOT, base, exercise.rules).catch(() => undefined);
  }
  return work;
}

/** Records the attempt on the progress file as it is now, so hints taken while verify ran are kept. */
export async function recordAttempt(exercise: Exercise, answers: Record<string, string>, outcome: VerifyResult): Promise<void> {
  const judged = await judgedWork(exercise, answers, outcome);
  await updateProgress((now) => {
    const state = entry(now, exercise.id);
    state.attempts += 1;
    if (outcome.passed) state.passedAt ??= new Date().toISOString();
    const failed = outcome.checks.find((item) => !item.ok)?.says;
    state.history = [...(state.history ?? []), { at: new Date().toISOString(), passed: outcome.passed, ...(failed && { failed: failed.slice(0, 300) }) }].slice(
      -50,
    );
    // What `exercise submit` hands in: the work that passed, or else the latest.
    if (outcome.passed || !state.passedAt) Object.assign(state, judged);
  });
}
