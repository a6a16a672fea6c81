// The CLI as npm's bin runs it: a bundle in dist/ (bin/build.js), rebuilt when
// a file it was built from changed. It must say the same as the TypeScript it
// comes from.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildInputs, currentBuild } from '../../bin/build.js';
import { racelab } from '../support/racelab-cli.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const exec = promisify(execFile);
const bin = (...args: string[]) => exec(process.execPath, ['bin/racelab.js', ...args], { timeout: HANG_GUARD_MS });

describe('the compiled CLI (bin/racelab.js)', () => {
  it('prints the version from package.json', async () => {
    const { stdout } = await bin('--version');
    expect(stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('runs from a complete build in dist/, and says what the TypeScript says', async () => {
    const compiled = await bin('scenarios', '--json');
    const dir = currentBuild();
    expect(dir).toBeDefined();
    // The entry points sit beside the chunks, so a worker thread's module is beside its caller.
    for (const entry of ['racelab.js', 'app.js', 'matrix-worker.js', 'proof-worker.js']) expect(existsSync(join(dir!, entry))).toBe(true);
    // The Enactor in the working tree is in the bundle: a change to it makes the build stale.
    expect(buildInputs(dir!)).toEqual(expect.arrayContaining(['bin/racelab.ts', 'lambdas/core/enactor.ts']));
    const fromSource = await racelab(['scenarios', '--json']);
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(fromSource.stdout));
  });
});
