// The racelab command as a user runs it: exit codes, --json, and clear errors
// (naming the field or option, no stack trace) for bad input.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/after-action.ts';
import { racelab as run } from '../support/racelab-cli.ts';
import { asSaved, outageReport, savedFile, stretched } from '../support/saved-runs.ts';

const racelab = (...args: string[]) => run(args);

/**
 * `run oct-2025 --save <file> --json`, in its own process, once for the file: the second of the two cold runs whose
 * digests must agree, and the saved run the report test turns into a page (each race costs seconds of CPU).
 */
const savedDir = mkdtempSync(join(tmpdir(), 'racelab-'));
let saving: ReturnType<typeof racelab> | undefined;
const savedRun = () => (saving ??= racelab('run', 'oct-2025', '--save', join(savedDir, 'outage.json'), '--json'));

describe('racelab CLI', () => {
  it('run --json reports the outage, its story and the digest of its event log, the same in two cold processes, and exits 0', async () => {
    const [first, second] = await Promise.all([racelab('run', 'oct-2025', '--json'), savedRun()]);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({
      scenario: 'oct-2025',
      target: 'local',
      outcome: 'outage',
      expected: 'outage',
      asExpected: true,
      automation: { stuck: true },
    });
    expect(report.story).toMatchObject({ played: true, events: [{}, { says: "az-a's stale plan g2 lands over the newer g6", seen: true }, {}, {}, {}] });
    expect(report.eventsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(report.simulation).toMatchObject({ latency: { seed: 2025 }, calls: expect.any(Number) });
    expect(report.endpoints.find((e: { endpoint: string }) => e.endpoint === 'dynamodb.us-east-1')).toMatchObject({ addresses: [], repaired: false });
    expect(JSON.parse(second.stdout).eventsDigest).toBe(report.eventsDigest);
    expect([first.code, second.code]).toEqual([0, 0]);
  });

  it('run with a closing safeguard prints a healthy timeline with its story and exits 0', async () => {
    const { code, stdout } = await racelab('run', '--safeguard', 'write-time-check');
    expect(stdout).toContain('safeguards: write-time-check');
    expect(stdout).toMatch(/verdict: HEALTHY, as expected \(healthy\); the story played out/);
    expect(stdout).toMatch(/✓ +\+\d+\.\ds +az-a's write-time check refuses its stale g2/);
    expect(code).toBe(0);
  });

  it('exits 1 when the outcome matches but the story does not, and says which line was not seen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-'));
    const file = join(dir, 'other-story.json');
    // empty-plan, the shorter race: the outcome (healthy) matches, and a line of the story cannot be seen.
    const scenario = JSON.parse(readFileSync('scenarios/empty-plan.json', 'utf8'));
    scenario.name = 'other-story';
    scenario.expect.story.push({ says: 'az-b gets stuck', event: { actor: 'az-b', outcome: 'stuck' } });
    writeFileSync(file, JSON.stringify(scenario));
    const { code, stdout, stderr } = await racelab('run', file);
    expect(stdout).toMatch(/verdict: HEALTHY, as expected \(healthy\); the story did NOT play out/);
    expect(stdout).toMatch(/✗ +— +az-b gets stuck \(not seen\)/);
    expect(stderr).toContain('the outcome matched, but the story did not play out as the scenario tells it');
    expect(code).toBe(1);
  });

  it('rejects an option it does not know with exit code 2 and no stack trace (the other options: test/unit/run-options.test.ts)', async () => {
    const { code, stderr } = await racelab('run', '--ms-per-second', '100');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--ms-per-second'");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown safeguard with exit code 2, naming the allowed ones', async () => {
    const { code, stderr } = await racelab('run', '--safeguard', 'magic');
    expect(code).toBe(2);
    expect(stderr).toContain('--safeguard "magic" is not a safeguard; choose from: write-time-check, protect-active');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the mistake in `help nope`, in `up --safeguard` without --scenario and in an --out that cannot be written, before any work (exit 2)', async () => {
    const help = await racelab('help', 'nope');
    expect(help).toMatchObject({ code: 2, stdout: '' });
    expect(help.stderr).toContain('"nope" is not a command; the commands are: run, report, up,');
    const up = await racelab('up', '--safeguard', 'write-time-check');
    expect(up).toMatchObject({ code: 2 });
    expect(up.stderr).toContain('--safeguard: only with --scenario');
    const missing = await racelab('explore', '--out', '/nonexistent/dir/x.json');
    expect(missing.stderr).toContain('the folder /nonexistent/dir does not exist');
    expect(missing.code).toBe(2);
    const scenario = await racelab('explore', '--out', 'scenarios/oct-2025.json');
    expect(scenario.stderr).toContain('the file exists and is not a counterexample racelab explore wrote; give another path, or add --force to overwrite it');
    expect(scenario.code).toBe(2);
  });

  it('saves a run and turns it into an after-action report; refuses a file that is not a saved run', async () => {
    const saved = join(savedDir, 'outage.json');
    expect((await savedRun()).code).toBe(0);
    const page = join(savedDir, 'outage.html');
    const report = await racelab('report', saved, '--out', page);
    expect(report.code).toBe(0);
    expect(readFileSync(page, 'utf8')).toContain('<svg id="addresses"');
    const mermaid = await racelab('report', saved, '--format', 'mermaid');
    expect(mermaid.stdout.split('\n').slice(0, 2)).toEqual(['%% racelab sequence diagram v1', 'sequenceDiagram']);
    const wrong = await racelab('report', 'scenarios/oct-2025.json');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not a run saved by `racelab run --save`');
  });

  it('rejects a bad seed and an unknown scenario with exit code 2', async () => {
    expect(await racelab('run', '--seed', 'abc')).toMatchObject({ code: 2, stderr: expect.stringContaining('--seed must be a whole number') });
    expect(await racelab('run', 'no-such')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no scenario named "no-such"; known scenarios: cascade-drill, empty-plan, oct-2025, oct-2025-cascade, oct-2025-collapse'),
    });
  });

  it('rejects an invalid scenario file with exit code 2 and the field that is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', title: 't', description: 'd', endpoints: [], loadBalancers: 0 }));
    const { code, stderr } = await racelab('run', bad);
    expect(code).toBe(2);
    expect(stderr).toContain('endpoints:');
    expect(stderr).toContain('loadBalancers:');
    writeFileSync(bad, '{ not json');
    expect(await racelab('run', bad)).toMatchObject({ code: 2, stderr: expect.stringContaining('is not valid JSON') });
  });

  it('scenarios lists oct-2025 with its expectation and the story of each case', async () => {
    const { code, stdout } = await racelab('scenarios', '--json');
    expect(code).toBe(0);
    const oct = JSON.parse(stdout).find((row: { name: string }) => row.name === 'oct-2025');
    expect(oct).toMatchObject({ expect: 'outage', healthyWith: ['write-time-check', 'protect-active', 'never-empty', 'self-heal'] });
    expect(oct.stories.map((story: { safeguards: string[] }) => story.safeguards.join('+'))).toEqual([
      '',
      'write-time-check',
      'protect-active',
      'never-empty',
      'self-heal',
      'recheck-each-endpoint',
    ]);
    const text = await racelab('scenarios');
    expect(text.stdout).toContain(
      "story with no safeguard (outage):\n    1. az-a loses the lock on dynamodb.us-east-1 to a competing holder, and backs off\n    2. az-a's stale plan g2 lands over the newer g6",
    );
  });

  /** racelab with its stdout into a shell pipe (a FIFO, as `racelab … | head` gives it); the exit code is racelab's (pipefail). */
  const piped = (args: string[], into: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const script = `set -o pipefail; "$0" bin/racelab.js "$@" | ${into}`;
      const child = spawn('bash', ['-c', script, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let [stdout, stderr] = ['', ''];
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  it('report --out /dev/stdout writes into the pipe or socket racelab was given, without reading it first', async () => {
    const report = await outageReport();
    const saved = savedFile(asSaved(report));
    const expected = { code: 0, stdout: renderHtml(report), stderr: 'wrote /dev/stdout\n' };
    expect(await piped(['report', saved, '--out', '/dev/stdout'], 'cat')).toEqual(expected);
    // A parent written in Node gives its child a socket for stdout.
    expect(await racelab('report', saved, '--out', '/dev/stdout')).toEqual(expected);
  });

  it('a pipe closed early (report --out /dev/stdout | head) ends racelab quietly, as any output whose reader went away', async () => {
    const saved = savedFile(asSaved(stretched(await outageReport(), 10_000)));
    const { code, stdout, stderr } = await piped(['report', saved, '--out', '/dev/stdout'], 'head -c 100');
    expect(stdout).toHaveLength(100);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a write cut short (a file-size limit stops it part-way) leaves the earlier report whole, and is one line', async () => {
    const report = await outageReport();
    const dir = mkdtempSync(join(tmpdir(), 'racelab-'));
    const saved = savedFile(asSaved(stretched(report, 2_000)), dir);
    const page = join(dir, 'page.html');
    const earlier = renderHtml(report);
    writeFileSync(page, earlier);
    // ulimit -f 64: no file of more than 32 or 64 kB (by shell); the page is about 500 kB. The compiled CLI writes no
    // file to start; no tsx cache either, should it fall back to tsx (a build it could not write under the limit).
    const script = 'ulimit -f 64 && exec "$0" bin/racelab.js report "$1" --out "$2"';
    const cut = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn('sh', ['-c', script, process.execPath, saved, page], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, TSX_DISABLE_CACHE: '1' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(cut).toEqual({ code: 1, stderr: `racelab: --out ${page}: not written: the file is too large for this file system (EFBIG)\n` });
    expect(readFileSync(page, 'utf8')).toBe(earlier);
    // The part written beside it, under a hidden temporary name, is gone too.
    expect(readdirSync(dir).sort()).toEqual(['page.html', 'run.json']);
  });
});
