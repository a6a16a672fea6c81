// A command run as a child process, bounded in time: what preflight and the room
// bundle ask of node, npm, git, dig and the AWS CLI. A command that hangs is
// killed with what it started (its process group), and the promise settles at
// once, so no check waits on a tool for longer than its bound.
import { spawn } from 'node:child_process';
import type { Environment } from '../infra/environment.ts';

export interface ToolRun {
  /** false: no such command on PATH. */
  found: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not start, other than not found (EACCES …). */
  error?: string;
}

/**
 * Runs a command with a time limit and no input. On the limit the process and
 * its children (a shell script's, a pyenv shim's) are killed and the promise
 * settles at once, whatever still holds the pipes.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: {
    env: Environment;
    timeoutMs: number;
    cwd?: string;
    /** Kept of each stream (default 64 KiB). */
    maxChars?: number;
    /** Aborted (Ctrl-C): the command and what it started are killed at once, as on its time limit. */
    signal?: AbortSignal;
  },
): Promise<ToolRun> {
  const maxChars = options.maxChars ?? 65_536;
  return new Promise((resolve) => {
    const windows = process.platform === 'win32';
    // Windows starts npm as npm.cmd, which only a shell runs; nowhere else does a shell read the arguments.
    const shell = windows && (command === 'npm' || command === 'npx');
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (run: Omit<ToolRun, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      resolve({ ...run, stdout, stderr });
    };
    // Its own process group (not on Windows), so a time-out kills what it started too.
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: !windows, shell });
    const kill = () => {
      try {
        if (!windows && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // gone already
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const timer = setTimeout(() => {
      kill();
      settle({ found: true, code: null, timedOut: true });
    }, options.timeoutMs);
    const abort = () => {
      kill();
      settle({ found: true, code: null, timedOut: false, error: 'interrupted' });
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const keep = (text: string, more: string) => (text.length < maxChars ? text + more : text);
    child.stdout?.setEncoding('utf8').on('data', (data: string) => (stdout = keep(stdout, data)));
    child.stderr?.setEncoding('utf8').on('data', (data: string) => (stderr = keep(stderr, data)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(
        error.code === 'ENOENT'
          ? { found: false, code: null, timedOut: false }
          : { found: true, code: null, timedOut: false, error: error.code ?? error.message },
      ),
    );
    child.on('close', (code) => settle({ found: true, code, timedOut: false }));
  });
}
