// A trainee's clone of the lab, for the exercise tests: this working tree as it
// is (uncommitted changes included), committed in a fresh repository of its
// own, and racelab run in it in a separate process, as a trainee runs it.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const exec = promisify(execFile);
export const LAB_ROOT = resolve('.');

/** The copies made, to remove after each test. */
const copies: string[] = [];
export function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies of the lab made once and copied again for each test (its .git whole, so each is a repository of its own), by
 * the exercises started in it ('' for none): committing the tree and starting an exercise through the CLI take seconds.
 */
const templates = new Map<string, Promise<string>>();
const templateDirs: string[] = [];
export function removeTemplates(): void {
  templates.clear();
  for (const dir of templateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function template(exercises: string[]): Promise<string> {
  const key = exercises.join(' ');
  let made = templates.get(key);
  if (!made) {
    made = exercises.length === 0 ? committedLab() : startedIn(template(exercises.slice(0, -1)), exercises.at(-1)!);
    templates.set(key, made);
  }
  return made;
}

/** This working tree, committed in a fresh repository. */
async function committedLab(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-template-'));
  templateDirs.push(dir);
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
  return dir;
}

/** A copy of `from` with `exercise start` run in it. */
async function startedIn(from: Promise<string>, exercise: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-template-'));
  templateDirs.push(dir);
  cpSync(await from, dir, { recursive: true, verbatimSymlinks: true });
  await racelab(dir, 'exercise', 'start', exercise);
  return dir;
}

/** This working tree, committed in a fresh repository; `exercise start` run there for each exercise named. */
export async function traineeCopy(...exercises: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-trainee-'));
  copies.push(dir);
  cpSync(await template(exercises), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** tsx's loader, registered in the process itself: the tsx command would start a second Node process to do it. */
const TSX = pathToFileURL(createRequire(join(LAB_ROOT, 'package.json')).resolve('tsx')).href;

/** racelab in `dir`, from its sources: its exit code and standard output. */
export async function racelab(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, ['--import', TSX, 'bin/racelab.ts', ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
}
