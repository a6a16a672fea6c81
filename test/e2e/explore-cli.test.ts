// racelab explore / check / run --from as a user runs them: the baseline fails
// with a counterexample, a closing safeguard passes, and the counterexample
// file replays the outage on the embedded target.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/schema.ts';
import { replayedOrder, scriptedOrder } from '../support/counterexample-order.ts';
import { racelab as cli } from '../support/racelab-cli.ts';

const racelab = (...args: string[]) => cli(args);

describe('racelab explore, check and run --from', () => {
  it('check fails the baseline with the counterexample, and passes write-time-check', async () => {
    const baseline = await racelab('check', '--endpoints', '1');
    expect(baseline.code).toBe(1);
    expect(baseline.stdout).toContain('FAIL');
    expect(baseline.stdout).toMatch(/counterexample \(\d+ steps\): dynamodb\.us-east-1 answers nothing/);
    const fixed = await racelab('check', '--endpoints', '1', '--safeguard', 'write-time-check');
    expect(fixed.stdout).toContain('every interleaving within the bounds');
    expect(fixed.stdout).toContain('PASS');
    expect(fixed.code).toBe(0);
  });

  it('explore writes a counterexample that run --from replays as the outage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-explore-'));
    const out = join(dir, 'counterexample.json');
    const explored = await racelab('explore', '--enactors', '2', '--endpoints', '2', '--out', out, '--json');
    expect(explored.code).toBe(1);
    const result = JSON.parse(explored.stdout);
    expect(result.invariants.find((row: { invariant: string }) => row.invariant === 'answers').verdict).toBe('violated');
    expect(result.counterexample.replay).toEqual({ outcome: 'outage', expected: 'outage' });
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).counterexample.invariant).toBe('answers');
    // Marked at the top as racelab's, so the next explore may replace it (docs/files.md).
    expect(readFileSync(out, 'utf8')).toMatch(/^\{\n {2}"generator": "racelab counterexample v1",\n/);

    const replayed = await racelab('run', '--from', out, '--json');
    const run = JSON.parse(replayed.stdout);
    expect(run).toMatchObject({ outcome: 'outage', asExpected: true });
    expect(replayed.code).toBe(0);
    // In the counterexample's order, which its gates keep (test/explorer/counterexample-order.test.ts takes the seconds away).
    const scenario = parseScenario(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(replayedOrder(scenario, run.events)).toEqual(scriptedOrder(scenario));
  });

  it('refuses bounds outside their range with exit code 2', async () => {
    const { code, stderr } = await racelab('explore', '--enactors', '9');
    expect(code).toBe(2);
    expect(stderr).toContain('--enactors must be a whole number from 1 to 3');
  });
});
