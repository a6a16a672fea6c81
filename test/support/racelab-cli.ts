// Runs the racelab command as a user would, in a child process: the npm bin, which
// runs the compiled build (and rebuilds it first when a source file changed).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HANG_GUARD_MS } from './hang-guard.ts';

const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function racelab(args: string[], env: Record<string, string> = {}, timeoutMs = HANG_GUARD_MS): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/racelab.js', ...args], { timeout: timeoutMs, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
