// A code exercise's change as a patch, and a tree with a patch applied: what
// `exercise submit` carries and `exercise collect` judges again. Only the
// files the exercise allows go in the patch (the judge takes no others), new
// files included; git builds it in a temporary index, so the trainee's own
// index is never touched.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allowedBy, changesSince } from './change-checks.ts';
import type { ChangeRules } from './exercise-model.ts';
import { unpackLab } from './lab-copy.ts';

const exec = promisify(execFile);
const git = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  exec('git', args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }).then((out) => out.stdout);

/** The change to the allowed files since `base`, as `git apply` takes it (empty when there is none). */
export async function patchOfChange(root: string, base: string, rules: ChangeRules): Promise<string> {
  const { files, created } = await changesSince(root, base);
  const mine = files.filter(allowedBy(rules, created));
  if (!mine.length) return '';
  const dir = mkdtempSync(join(tmpdir(), 'racelab-patch-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, 'index') };
    await git(root, ['read-tree', base], env);
    await git(root, ['add', '-A', '--', ...mine], env);
    return await git(root, ['diff', '--cached', '--binary', base, '--', ...mine], env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A trainee's tree rebuilt on this machine: the lab at `base` (which must be a commit of this lab's history), the
 * patch applied, in a git repository of its own whose one commit is `base`'s tree. Returns its folder and that commit.
 */
export async function treeWithPatch(labRoot: string, base: string, patch: string): Promise<{ dir: string; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-trainee-'));
  try {
    await unpackLab(labRoot, base, dir, labRoot);
    const id = ['-c', 'user.email=collect@racelab', '-c', 'user.name=racelab collect'];
    await git(dir, ['init', '-q']);
    await git(dir, ['add', '-A']);
    await git(dir, [...id, 'commit', '-qm', `the lab at ${base}`]);
    const commit = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    if (patch) {
      writeFileSync(join(dir, '.change.patch'), patch);
      await git(dir, ['apply', '--whitespace=nowarn', '.change.patch']);
      rmSync(join(dir, '.change.patch'));
    }
    return { dir, base: commit };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
