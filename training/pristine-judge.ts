// Verify for a code exercise, from a judge the judged cannot change: a pristine
// copy of the lab at the exercise's start commit (git archive), with only the
// files the exercise allows taken from the trainee's tree, runs the change
// checks, the explorer, the invariants and the verifier in its own process
// (bin/judge.ts, compiled there first). An edit to the verifier, the explorer or
// the safeguards in the trainee's tree is never run; it only fails the check
// that the change stays in its files. The start commit comes from git
// (start-commit.ts), not from the progress file.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allowedBy, changesSince } from './change-checks.ts';
import { check, result, type Exercise, type VerifyResult } from './exercise-model.ts';
import { unpackLab } from './lab-copy.ts';

export interface JudgeRequest {
  exercise: Exercise;
  answers: Record<string, string>;
  /** The trainee's working tree. */
  root: string;
  /** The start commit recorded in git. */
  base: string;
  /** Aborted on Ctrl-C: the judge's process is stopped and the copy removed. */
  signal?: AbortSignal;
}

/** Runs a command, its stdin closed; resolves with its stdout, or rejects with its stderr's last lines. */
function run(command: string, args: string[], options: { cwd: string; inheritStderr?: boolean; signal?: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      signal: options.signal,
      stdio: ['ignore', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(stdout);
      const why = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ') || (signal ? `ended by ${signal}` : `exit code ${code}`);
      reject(Object.assign(new Error(`${command} ${args[0] ?? ''}: ${why}`), { stdout, code }));
    });
  });
}

/** A pristine copy of the lab at `base`, with the allowed files (changed or new) taken from the trainee's tree. */
export async function pristineCopy(request: JudgeRequest): Promise<string> {
  const rules = request.exercise.rules!;
  const dir = mkdtempSync(join(tmpdir(), 'racelab-judge-'));
  try {
    // The lab's dependencies as installed; the judge's own code is the copy's.
    await unpackLab(request.root, request.base, dir, request.root);
    const { files, created } = await changesSince(request.root, request.base);
    const allowed = allowedBy(rules, created);
    for (const file of files.filter(allowed)) {
      const from = join(request.root, file);
      const to = join(dir, file);
      if (existsSync(from)) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      } else rmSync(to, { force: true });
    }
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Verify, judged by the pristine copy's own judge (bin/judge.ts); the copy is removed afterwards. */
export async function judgeInPristineCopy(request: JudgeRequest): Promise<VerifyResult> {
  let dir: string;
  try {
    dir = await pristineCopy(request);
  } catch (error) {
    return result([
      check(false, `verify copies the lab at your start commit ${request.base.slice(0, 12)} with git, and could not (${(error as Error).message})`),
    ]);
  }
  try {
    const judge = join(dir, 'bin', 'judge.js');
    if (!existsSync(judge)) {
      const id = request.exercise.id;
      return result([check(false, `your start commit ${request.base.slice(0, 12)} is older than this lab's judge: run racelab exercise start ${id} again`)]);
    }
    const answers = JSON.stringify(request.answers);
    const args = [judge, request.exercise.id, '--root', request.root, '--base', request.base, '--answers', answers];
    const stdout = await run(process.execPath, args, { cwd: request.root, inheritStderr: true, signal: request.signal }).catch(
      (error: Error & { stdout?: string }) => error.stdout ?? Promise.reject(error),
    );
    return JSON.parse(stdout) as VerifyResult;
  } catch (error) {
    return result([check(false, `the judge, run from a pristine copy of the lab, did not finish: ${(error as Error).message}`)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
