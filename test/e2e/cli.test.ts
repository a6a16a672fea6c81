// The racelab command as a user runs it: exit codes, --json, and clear errors
// (naming the field or option, no stack trace) for bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { racelab as run } from '../support/racelab-cli.ts';

const racelab = (...args: string[]) => run(args);

describe('racelab CLI', () => {
  it('run --json reports the outage for the baseline and exits 0 because that is what the scenario expects', async () => {
    const { code, stdout } = await racelab('run', 'oct-2025', '--json', '--ms-per-second', '100');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ scenario: 'oct-2025', target: 'local', outcome: 'outage', expected: 'outage', asExpected: true, automation: { stuck: true } });
    expect(report.endpoints.find((e: { endpoint: string }) => e.endpoint === 'dynamodb.us-east-1')).toMatchObject({ addresses: [], repaired: false });
    expect(report.events.length).toBeGreaterThan(20);
    expect(code).toBe(0);
  });

  it('run with a closing safeguard prints a healthy timeline and exits 0', async () => {
    const { code, stdout } = await racelab('run', '--safeguard', 'write-time-check', '--ms-per-second', '100');
    expect(stdout).toContain('safeguards: write-time-check');
    expect(stdout).toMatch(/verdict: HEALTHY, as expected/);
    expect(code).toBe(0);
  });

  it('rejects an unknown safeguard with exit code 2, naming the allowed ones', async () => {
    const { code, stderr } = await racelab('run', '--safeguard', 'magic');
    expect(code).toBe(2);
    expect(stderr).toContain('--safeguard "magic" is not a safeguard; choose from: write-time-check, protect-active');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad seed and an unknown scenario with exit code 2', async () => {
    expect(await racelab('run', '--seed', 'abc')).toMatchObject({ code: 2, stderr: expect.stringContaining('--seed must be a whole number') });
    expect(await racelab('run', 'no-such')).toMatchObject({ code: 2, stderr: expect.stringContaining('no scenario named "no-such"; known scenarios: oct-2025') });
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

  it('scenarios --json lists oct-2025 with its expectation', async () => {
    const { code, stdout } = await racelab('scenarios', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toContainEqual(expect.objectContaining({ name: 'oct-2025', expect: 'outage' }));
  });
});
