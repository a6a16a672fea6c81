// A trainee's clone of the lab, for the exercise tests: this working tree as it
// is (uncommitted changes included), committed in a fresh repository of its
// own, and racelab run in it in a separate process, as a trainee runs it.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const exec = promisify(execFile);
export const LAB_ROOT = resolve('.');

/** The copies made, to remove after each test. */
const copies: string[] = [];
export function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** This working tree, committed in a fresh repository; `exercise start` run there for each exercise named. */
export async function traineeCopy(...exercises: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-trainee-'));
  copies.push(dir);
  const { stdout } = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: LAB_ROOT });
  for (const file of stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(LAB_ROOT, file), join(dir, file));
    } catch {
      // a file deleted in the working tree but still in the index
    }
  }
  symlinkSync(join(LAB_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const git = (...args: string[]) => exec('git', ['-c', 'user.email=trainee@lab', '-c', 'user.name=trainee', ...args], { cwd: dir });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'the lab as the trainee got it');
  for (const exercise of exercises) await racelab(dir, 'exercise', 'start', exercise);
  return dir;
}

/** racelab in `dir`, from its sources: its exit code and standard output. */
export async function racelab(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = join(LAB_ROOT, 'node_modules', '.bin', 'tsx');
  return exec(tsx, ['bin/racelab.ts', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
}
