// A trainee's submission: `racelab exercise submit --out FILE` gathers what
// each verify judged (answers, the change as a patch against the start commit,
// mitigate's snapshot of the live lab), the hints and attempts, and any saved
// runs, into one JSON file for the facilitator. Nothing in it is trusted:
// `exercise collect` judges every exercise again on the facilitator's lab, and
// the local "passed" is shown beside that, never in its place.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import * as z from 'zod';
import { readBounded } from '../scenario/read-bounded.ts';
import { UsageError } from '../scenario/usage-error.ts';
import type { Progress } from './progress.ts';

export const SUBMISSION_KIND = 'racelab-submission';

/** A submission no real session comes near: patches of a few kB, a lab snapshot of tens, saved runs of tens each. */
export const SUBMISSION_BYTES_MAX = 20_000_000;

const ExerciseWorkSchema = z.object({
  id: z.string().min(1).max(40),
  hints: z.number().int().min(0).max(100),
  attempts: z.number().int().min(0),
  /** What the trainee's own verify said: shown, never counted. */
  passedLocally: z.boolean(),
  base: z
    .string()
    .regex(/^[0-9a-f]{40}$/, 'must be a commit id (40 hex digits)')
    .optional(),
  answers: z.record(z.string(), z.string().max(500)).optional(),
  patch: z.string().optional(),
  snapshot: z.unknown().optional(),
  history: z.array(z.object({ at: z.string(), passed: z.boolean(), failed: z.string().optional() })).optional(),
});

export const SubmissionSchema = z.object({
  kind: z.literal(SUBMISSION_KIND),
  version: z.literal(1),
  trainee: z.string().min(1).max(100),
  submittedAt: z.string(),
  /** The lab the trainee worked in: its version and the commit of its checkout. */
  lab: z.object({ version: z.string(), commit: z.string().optional() }),
  exercises: z.array(ExerciseWorkSchema),
  runs: z.array(z.object({ file: z.string(), run: z.unknown() })),
});

export type Submission = z.infer<typeof SubmissionSchema>;
export type ExerciseWork = z.infer<typeof ExerciseWorkSchema>;

/** The submission of this progress: every exercise started, in the lab's order, with what its last verify judged. */
export function submissionOf(
  progress: Progress,
  order: readonly string[],
  context: { trainee: string; labVersion: string; labCommit?: string; runs: { file: string; run: unknown }[]; now?: Date },
): Submission {
  const exercises = order.flatMap((id) => {
    const state = progress.exercises[id];
    if (!state) return [];
    return [
      {
        id,
        hints: state.hints,
        attempts: state.attempts,
        passedLocally: Boolean(state.passedAt),
        ...(state.base && { base: state.base }),
        ...(state.answers && { answers: state.answers }),
        ...(state.patch !== undefined && { patch: state.patch }),
        ...(state.snapshot !== undefined && { snapshot: state.snapshot }),
        ...(state.history && { history: state.history }),
      },
    ];
  });
  return {
    kind: SUBMISSION_KIND,
    version: 1,
    trainee: context.trainee,
    submittedAt: (context.now ?? new Date()).toISOString(),
    lab: { version: context.labVersion, ...(context.labCommit && { commit: context.labCommit }) },
    exercises,
    runs: context.runs,
  };
}

/** A submission file read back: a UsageError naming the file and the trouble for anything else. */
export async function readSubmission(path: string): Promise<Submission> {
  const text = await readBounded(path, SUBMISSION_BYTES_MAX).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path} (${error.code ?? error.message})`);
  });
  if (!text.complete) throw new UsageError(`${basename(path)} is over ${SUBMISSION_BYTES_MAX.toLocaleString('en')} bytes, not a submission`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.text);
  } catch {
    throw new UsageError(`${basename(path)} is not JSON, so not a submission racelab exercise submit wrote`);
  }
  const checked = SubmissionSchema.safeParse(parsed);
  if (!checked.success) {
    const first = checked.error.issues[0]!;
    throw new UsageError(`${basename(path)} is not a racelab submission (${first.path.join('.') || 'the top level'}: ${first.message})`);
  }
  return checked.data;
}

/** Who submits: git's user.name in the lab, else the login name. */
export async function traineeName(root: string): Promise<string> {
  const fromGit = await promisify(execFile)('git', ['config', 'user.name'], { cwd: root })
    .then((out) => out.stdout.trim())
    .catch(() => '');
  return fromGit || userInfo().username;
}

/** The commit the lab is at, which the facilitator's lab is compared with. */
export async function headCommit(root: string): Promise<string | undefined> {
  return promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: root })
    .then((out) => out.stdout.trim())
    .catch(() => undefined);
}
