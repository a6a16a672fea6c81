// The commit a code exercise was started from, kept in the trainee's git as a
// ref (refs/racelab/exercises/<id>), written once by `exercise start`. The
// judge compares the change with it and runs from its tree, so it is not read
// from the progress file: editing the file cannot move what the change is
// judged against (the file keeps a copy, to show).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const PREFIX = 'refs/racelab/exercises/';

const git = (root: string, ...args: string[]) => promisify(execFile)('git', args, { cwd: root }).then((out) => out.stdout.trim());

/** The recorded start commit, or undefined when the exercise was not started here (or this is not a git clone). */
export async function startCommit(root: string, exercise: string): Promise<string | undefined> {
  return git(root, 'rev-parse', '--verify', '--quiet', `${PREFIX}${exercise}^{commit}`).catch(() => undefined) || undefined;
}

/**
 * Records HEAD as the exercise's start unless a start is recorded already (starting again keeps the first), and
 * returns the start; undefined outside a git clone, or in one with no commit yet.
 */
export async function recordStart(root: string, exercise: string): Promise<string | undefined> {
  const recorded = await startCommit(root, exercise);
  if (recorded) return recorded;
  const head = await git(root, 'rev-parse', '--verify', '--quiet', 'HEAD').catch(() => undefined);
  if (!head) return undefined;
  // The empty old value: create the ref only if it does not exist, so two starts at once keep one.
  await git(root, 'update-ref', `${PREFIX}${exercise}`, head, '').catch(() => undefined);
  return startCommit(root, exercise);
}

/** Forgets every recorded start (`exercise reset`); nothing to do outside a git clone. */
export async function forgetStarts(root: string): Promise<void> {
  const refs = await git(root, 'for-each-ref', '--format=%(refname)', PREFIX).catch(() => '');
  for (const ref of refs.split('\n').filter(Boolean)) await git(root, 'update-ref', '-d', ref).catch(() => undefined);
}
