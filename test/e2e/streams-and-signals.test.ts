// What the racelab process does when its surroundings misbehave: a reader that
// closes the pipe, an output that cannot be written, usage errors of a
// subcommand, SIGTERM from a supervisor, exports from `racelab up` pasted in
// part or pointing at nothing, and a port the user may not listen on. Each
// answers in one line with an exit code, never a stack trace.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onInterrupt } from '../../cli/interrupt.ts';
import { racelab } from '../support/racelab-cli.ts';

const STACK = /\n\s+at /;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** racelab as a child process whose stdout the test controls; `then` sees it start and may act on it. */
function spawnRacelab(
  args: string[],
  options: { stdout?: 'pipe' | number; env?: Record<string, string>; uid?: number; gid?: number } = {},
  then?: (child: ReturnType<typeof spawn>, output: { stdout: string; stderr: string }) => void,
): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/racelab.js', ...args], {
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...output }));
    then?.(child, output);
  });
}

/** Whether uid 65534 can read the file (every folder above it searchable). */
function readableByNobody(path: string): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1], 4)', path], { uid: 65534, gid: 65534, stdio: 'ignore' });
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

/** Resolves once `predicate` holds of the output so far (checked as output arrives). */
function when(child: ReturnType<typeof spawn>, output: { stdout: string; stderr: string }, predicate: () => boolean, act: () => void): void {
  let done = false;
  const check = () => {
    if (!done && predicate()) {
      done = true;
      act();
    }
  };
  child.stdout?.on('data', check);
  child.stderr?.on('data', check);
}

describe('output that goes away or cannot be written', () => {
  it('a reader that closes the pipe before racelab is done writing (`racelab scenarios | head -0`) ends racelab quietly, exit 0', async () => {
    // Closed before the first line: every write racelab makes meets EPIPE.
    const ended = await spawnRacelab(['scenarios'], {}, (child) => child.stdout!.destroy());
    expect(ended.stderr).toBe('');
    expect(ended).toMatchObject({ code: 0, signal: null });
  });

  it('an output that cannot be written (/dev/full) is one line on stderr and exit 1', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      // A listing, commander's help, and a run's JSON written once the race is over (empty-plan, the shorter race).
      for (const args of [['scenarios'], ['--help'], ['run', 'empty-plan', '--json']]) {
        const ended = await spawnRacelab(args, { stdout: full });
        expect(ended.stderr).toBe('racelab: cannot write the output (ENOSPC: no space left on device)\n');
        expect(ended.code).toBe(1);
      }
    } finally {
      closeSync(full);
    }
  });
});

describe('usage errors', () => {
  it('of exercise subcommands exit 2, with commander’s message and the pointer to --help, as every other command', async () => {
    for (const args of [
      ['exercise', 'start'],
      ['exercise', 'verify', 'observe', '--bogus'],
      ['exercise', 'nope'],
    ]) {
      const { code, stderr } = await racelab(args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toMatch(/^error: /);
      expect(stderr).not.toMatch(STACK);
    }
  });
});

describe('messages that quote what was given', () => {
  it('show control characters as escapes: an argument cannot clear the screen or forge a line', async () => {
    const { code, stderr } = await racelab(['run', '\u001b[2J\u001b[Hok\nracelab: all clear\u202e']);
    expect(code).toBe(2);
    expect(stderr).toContain('\\x1b[2J\\x1b[Hok\\nracelab: all clear\\u202e');
    expect([...stderr].filter((char) => char === '\u001b' || char === '\u202e')).toEqual([]);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('SIGTERM is handled as Ctrl-C is', () => {
  it('onInterrupt answers the first SIGINT or SIGTERM once, and leaves the second to end the process', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const seen: string[] = [];
    onInterrupt((signal) => seen.push(signal));
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(seen).toEqual(['SIGTERM']);
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
    const stop = onInterrupt((signal) => seen.push(signal));
    process.emit('SIGINT', 'SIGINT');
    stop();
    expect(seen).toEqual(['SIGTERM', 'SIGINT']);
  });

  it('explore stopped by SIGTERM prints what it explored so far, INCOMPLETE, and exits 1', async () => {
    const ended = await spawnRacelab(
      ['explore', '-s', 'protect-active', '--enactors', '3', '--endpoints', '3', '--out', '/dev/null', '--force'],
      {},
      (child, output) =>
        // A progress line (every 5 s off a terminal) says the search is under way.
        when(
          child,
          output,
          () => output.stderr.includes('exploring ·'),
          () => child.kill('SIGTERM'),
        ),
    );
    expect(ended.stderr).toContain('interrupted: finishing with what was explored so far');
    expect(ended.stdout).toContain('INCOMPLETE: stopped early');
    expect(ended.stdout).toMatch(/\? not found answers/);
    expect(ended).toMatchObject({ code: 1, signal: null });
  });

  it('up stopped by SIGTERM closes its endpoints, says so and exits 0', async () => {
    const ended = await spawnRacelab(['up'], {}, (child, output) =>
      when(
        child,
        output,
        () => output.stdout.includes('Ctrl-C to stop'),
        () => child.kill('SIGTERM'),
      ),
    );
    expect(ended.stdout).toMatch(/stopped\n$/);
    expect(ended).toMatchObject({ code: 0, signal: null });
  });
});

describe('racelab up: the ports and the exports', () => {
  it('a port below 1024, for a user who may not listen on it, is named with its fix (exit 2)', async (context) => {
    // Tried as another user (nobody), which only root can start, and which must be able to read the project (a clone in
    // a folder of mode 0700 it cannot); elsewhere skipped: as that user, `up --dns-port 53` would answer the same.
    if (process.getuid?.() !== 0) return context.skip('needs root, to run racelab as another user');
    if (!(await readableByNobody(resolve('bin/racelab.js')))) return context.skip('nobody (uid 65534) cannot read this clone');
    const ended = await spawnRacelab(['up', '--dns-port', '53'], { uid: 65534, gid: 65534 });
    expect(ended.stderr).toMatch(
      /^racelab: --dns-port 53: this user may not listen on it \(EACCES; ports below 1024 need privileges\): pick a port from 1024/m,
    );
    expect(ended.stderr).not.toMatch(STACK);
    expect(ended.code).toBe(2);
  });

  it('a port that is taken is named (exit 2)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr } = await racelab(['up', '--route53-port', String(port)]);
      expect(stderr).toBe(`racelab: --route53-port ${port} is already in use: pick a free port, or leave --route53-port out to get a free one\n`);
      expect(code).toBe(2);
    } finally {
      taken.close();
    }
  });
});

describe('commands attached to `racelab up` through its exports', () => {
  it('work with the exports pasted without the credential lines, and name a missing lab, a wrong zone or a malformed endpoint (exit 2)', async () => {
    const { startEmbeddedLab } = await import('../../local/embedded-lab.ts');
    const lab = await startEmbeddedLab();
    try {
      const env = { ...lab.environment, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', HOME: '/nonexistent' };
      // An empty lab has no plan to repair onto: an answer from the lab, not an SDK error.
      const noCredentials = await racelab(['repair', '--dry-run'], env);
      expect(noCredentials.stderr).toBe('racelab: no plan row and no plan tree are left to repair onto: write a plan first (a run of any scenario does)\n');
      expect(noCredentials.code).toBe(1);

      const wrongZone = await racelab(['repair', '--dry-run'], { ...env, HOSTED_ZONE_ID: 'ZNOSUCHZONE' });
      expect(wrongZone.stderr).toMatch(
        /^racelab: the lab has no hosted zone ZNOSUCHZONE \(HOSTED_ZONE_ID\); paste the export lines of the `racelab up` that is running\n$/,
      );
      expect(wrongZone.code).toBe(2);

      const notUrl = await racelab(['repair', '--dry-run'], { ...env, AWS_ENDPOINT_URL_ROUTE_53: '127.0.0.1:4000' });
      expect(notUrl.stderr).toMatch(/^racelab: AWS_ENDPOINT_URL_ROUTE_53=127\.0\.0\.1:4000 is not an http:\/\/ URL; /);
      expect(notUrl.code).toBe(2);
    } finally {
      await lab.close();
    }
    // The lab is gone now: nothing answers at its endpoints.
    const stopped = await racelab(['repair', '--dry-run'], { ...lab.environment });
    expect(stopped.stderr).toMatch(
      /^racelab: nothing answers at http:\/\/127\.0\.0\.1:\d+ and http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is `racelab up` still running\?/,
    );
    expect(stopped.code).toBe(2);
  });
});
