// The CLI as npm's bin runs it: a bundle in dist/ (bin/build.js), rebuilt when
// a file it was built from changed. It must say the same as the TypeScript it
// comes from.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildInputs, currentBuild, deferring, ROOT } from '../../bin/build.js';
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
    // No chunk imports node:process as an ES module, whose facade is slow to build (bin/build.js, processFromGlobal).
    const chunks = readdirSync(dir!).filter((file) => file.endsWith('.js'));
    expect(chunks.filter((chunk) => /^import .* from "(node:)?process";$/m.test(readFileSync(join(dir!, chunk), 'utf8')))).toEqual([]);
    const fromSource = await racelab(['scenarios', '--json']);
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(fromSource.stdout));
  });

  it("leaves aws-local-stepfunctions' validator out of the bundle, and loads it when a definition is validated", async () => {
    // Bundled as the CLI is (bin/build.js), beside dist/'s builds so that node_modules is found from it.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'dist', 'deferred-test-'));
    try {
      const { metafile } = await build({
        stdin: { contents: "export { StateMachine } from 'aws-local-stepfunctions';", resolveDir: ROOT },
        outfile: join(dir, 'bundle.js'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        banner: { js: "import { createRequire as __racelabRequire } from 'node:module'; const require = __racelabRequire(import.meta.url);" },
        plugins: [deferring],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(metafile.inputs);
      expect(inputs).toEqual(expect.arrayContaining(['racelab-deferred:asl-validator', 'racelab-deferred:@aws-sdk/client-lambda']));
      expect(inputs.filter((input) => /node_modules\/(asl-validator|ajv|@aws-sdk\/client-lambda)\//.test(input))).toEqual([]);
      const { StateMachine } = await import(pathToFileURL(join(dir, 'bundle.js')).href);
      const valid = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
      expect(() => new StateMachine(valid)).not.toThrow();
      expect(() => new StateMachine({ StartAt: 'Nowhere', States: valid.States })).toThrow(/definition is invalid[\s\S]*Nowhere/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
