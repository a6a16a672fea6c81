// The training exercises: each verify passes on the answer key's solution and
// fails on a known wrong answer (or on the unrepaired lab); progress, hints and
// the score survive between processes in .racelab-training.json.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { exerciseById } from '../../training/exercises.ts';
import { leaseOf, lockName, lockRecord, endpointRecord } from '../../lambdas/core/dns-tree.ts';
import type { RecordChange } from '../../lambdas/core/dns-records.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const exec = promisify(execFile);
const verify = (id: string, answers: Record<string, string>, env: Record<string, string | undefined> = {}) =>
  exerciseById(id)!.verify({ answers, env, root: process.cwd() });

let lab: EmbeddedLab | undefined;
afterAll(() => lab?.close());

describe('the training exercises', () => {
  it('observe: the answer key passes, a wrong actor fails', async () => {
    expect((await verify('observe', { 'emptied-by': 'az-b', second: '17', plan: 'g2' })).passed).toBe(true);
    const wrong = await verify('observe', { 'emptied-by': 'az-a', second: '17', plan: '2' });
    expect(wrong.passed).toBe(false);
    expect(wrong.checks.map((check) => check.ok)).toEqual([false, true, true]);
    expect((await verify('observe', {})).checks[0]?.says).toBe('no answer for "emptied-by": give it with --answer emptied-by=…');
  });

  it('detect: the answer key passes, the healthy tree fails', async () => {
    const answer = { record: 'dynamodb.us-east-1.lab.internal.', target: 'g000002.plans.dynamodb.us-east-1.lab.internal' };
    expect((await verify('detect', answer)).passed).toBe(true);
    expect((await verify('detect', { ...answer, target: 'g000006.plans.dynamodb.us-east-1.lab.internal' })).passed).toBe(false);
  });

  it('mitigate: fails on the outage, passes once each alias is flipped back by hand as the answer key does it', async () => {
    lab = await startEmbeddedLab();
    await runScenarioEmbedded(lab, await loadScenario('oct-2025'), { runId: 'mitigate', safeguards: [] });
    const before = await verify('mitigate', {}, lab.environment);
    expect(before.passed).toBe(false);
    expect(before.checks.filter((check) => !check.ok).map((check) => check.says)).toContain(
      'dynamodb.us-east-1: its alias points at a tree that exists (not yet)',
    );
    // The answer key: for each endpoint, one batch: the exact lock read, a released lock, the alias to g6's tree.
    const dns = lab.deps().dns;
    for (const endpoint of ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api']) {
      const lock = (await dns.recordsUnder(lockName(endpoint, lab.zone)))[0]!;
      expect(leaseOf(lock)?.holder).toBe('az-a');
      const batch: RecordChange[] = [
        { action: 'DELETE', record: lock },
        { action: 'CREATE', record: lockRecord(endpoint, { holder: 'operator', expiresAtMs: 0, token: leaseOf(lock)!.token + 1 }, lab.zone) },
        { action: 'UPSERT', record: endpointRecord(endpoint, 6, lab.zone) },
      ];
      await dns.change(batch);
    }
    const after = await verify('mitigate', {}, lab.environment);
    expect(after.checks.filter((check) => !check.ok)).toEqual([]);
    expect(after.passed).toBe(true);
  });

  it('keeps progress, hints and the score in the working folder, between processes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'racelab-training-'));
    // npm's bin, by its absolute path: it finds its compiled build (or its sources) from its own folder.
    const bin = resolve('bin/racelab.js');
    const racelab = (...args: string[]) => exec(process.execPath, [bin, 'exercise', ...args], { cwd, timeout: HANG_GUARD_MS });
    await racelab('start', 'observe');
    await racelab('hint', 'observe');
    await racelab('verify', 'observe', '--answer', 'emptied-by=az-b', '--answer', 'second=18', '--answer', 'plan=g2');
    const score = JSON.parse((await racelab('score', '--json')).stdout);
    expect(score).toMatchObject({ total: 80, possible: 700 });
    expect(score.rows.map((row: { id: string; passed: boolean }) => [row.id, row.passed])).toEqual([
      ['observe', true],
      ['detect', false],
      ['mitigate', false],
      ['fix', false],
      ['recover', false],
      ['freeze', false],
      ['stabilize', false],
    ]);
    expect(score.rows[0]).toMatchObject({ hints: 1, attempts: 1, points: 80 });
    const failed = await racelab('verify', 'detect', '--answer', 'record=x', '--answer', 'target=y').catch((error: { code: number }) => error);
    expect(failed).toMatchObject({ code: 1 });
  });
});
