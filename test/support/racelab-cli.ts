// Runs the racelab command as a user would, in a child process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function racelab(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'bin/racelab.ts', ...args], { timeout: timeoutMs, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
