// The freeze, end to end on the embedded target: oct-2025-freeze's operator
// throws the kill switch halfway through the race, and no change lands after
// it; the same run left to the automation empties every endpoint; and the
// exercise freeze, whose verify judges a person's turn in a handed-over run
// (racelab up --hand-over): it passes the flow the trainee guide describes and
// fails, saying why, with no freeze, a freeze too late, and no repair.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyRepair, planRepair } from '../../lambdas/core/repair.ts';
import type { RunEvent } from '../../lambdas/core/events.ts';
import type { KillSwitchControl } from '../../lambdas/core/ports.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION, startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { handedOver, runScenarioEmbedded, type EmbeddedRunOptions } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { parseScenario } from '../../scenario/schema.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { exerciseById } from '../../training/exercises.ts';
import { judgeFreeze } from '../../training/freeze.ts';
import { racelab } from '../support/racelab-cli.ts';

const AUTOMATION = ['planner', 'az-a', 'az-b', 'az-c'];
const changesAfter = (events: RunEvent[], at: number) =>
  events.filter((event) => AUTOMATION.includes(event.actor) && ['written', 'applied', 'deleted'].includes(event.outcome) && event.at > at);

let lab: EmbeddedLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** The scripted run (its operator freezes and repairs), played once for the tests that judge it; its lab stays up until the file is done. */
let scriptedRun: ReturnType<typeof playScripted> | undefined;
const scripted = () => (scriptedRun ??= playScripted());
afterAll(async () => (await scriptedRun)?.lab.close());

async function playScripted() {
  const scenario = await loadScenario('oct-2025-freeze');
  const lab = await startEmbeddedLab();
  const run = await runScenarioEmbedded(lab, scenario, { runId: 'freeze', safeguards: [] });
  return { lab, run, report: reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'freeze' }, run.events) };
}

describe('oct-2025-freeze on the embedded target', () => {
  it('the operator throws the kill switch halfway: the story plays out, no change lands after the freeze, every endpoint answers', async () => {
    const { run, report, lab } = await scripted();
    expect(run.failure).toBeUndefined();
    expect(report.story?.events.filter((line) => !line.seen)).toEqual([]);
    expect(report).toMatchObject({ outcome: 'healthy', expected: 'healthy', asExpected: true, story: { played: true } });
    const freeze = run.events.find((event) => event.actor === 'operator' && event.outcome === 'frozen')!;
    // Before it, the race did its harm: the regional endpoint went empty.
    const regional = computeVerdict(run.events).endpoints.find((endpoint) => endpoint.endpoint === 'dynamodb.us-east-1')!;
    expect(regional.firstEmptyAtMs! + run.events[0]!.at).toBeLessThan(freeze.at);
    // After it: no plan written, no endpoint moved, no plan deleted; the Planner and two Enactors stopped for it.
    expect(changesAfter(run.events, freeze.at)).toEqual([]);
    const stops = run.events.filter((event) => event.outcome === 'frozen' && event.actor !== 'operator');
    expect(stops.map((event) => `${event.actor} ${event.step}`)).toEqual(['az-a apply', 'az-b cleanup', 'planner plan']);
    expect(stops[0]).toMatchObject({ generation: 2, endpoint: 'dynamodb-fips.us-east-1', detail: 'kill switch thrown by operator: g2 not written' });
    expect(await lab.deps().killSwitch.read()).toEqual({ thrown: true, by: 'operator' });
    expect(report.endpoints.map((endpoint) => endpoint.addresses.length > 0)).toEqual([true, true, true]);
  });

  it('plays the same run on the in-memory lab: the same digest', async () => {
    const { report } = await scripted();
    const scenario = await loadScenario('oct-2025-freeze');
    const memory = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'freeze', safeguards: [] });
    const again = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'freeze' }, memory.events);
    expect(again.eventsDigest).toBe(report.eventsDigest);
  });

  it('left to the automation (handed over, nobody acting), the race empties the other two endpoints too', async () => {
    const scenario = handedOver(await loadScenario('oct-2025-freeze'));
    const memory = new MemoryLab();
    const run = await runScenarioEmbedded(memory, scenario, { runId: 'alone', safeguards: [], handOver: async () => {} });
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'alone' }, run.events);
    expect(report.outcome).toBe('outage');
    expect(report.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.addresses.length])).toEqual([
      ['dynamodb.us-east-1', 0],
      ['dynamodb-fips.us-east-1', 0],
      ['dynamodb.us-east-1.api', 0],
    ]);
    const handOver = run.events.find((event) => event.outcome === 'handed-over')!;
    expect(changesAfter(run.events, handOver.at).map((event) => `${event.actor} ${event.outcome} g${event.generation} ${event.endpoint ?? ''}`.trim())).toEqual(
      ['planner written g8', 'az-a applied g2 dynamodb-fips.us-east-1', 'az-a applied g2 dynamodb.us-east-1.api', 'az-b deleted g2'],
    );
  });

  it('--hand-over needs an operator step, and refuses a scenario whose actors wait for the operator’s own steps', async () => {
    expect(() => handedOver(loadedWith((s) => (s.timeline.operator = [])))).toThrow(/has no operator step to hand over/);
    expect(() => handedOver(loadedWith((s) => (s.timeline.planner[4]!.after = { actor: 'operator', outcome: 'repaired' })))).toThrow(
      /other actors wait for the operator's own steps[\s\S]*timeline\.planner\.4\.after: "operator repaired"/,
    );
  });
});

/** oct-2025-freeze's file, changed by `change`, as a scenario. */
function loadedWith(change: (scenario: { timeline: { planner: { after?: unknown }[]; operator: unknown[] } }) => void) {
  const file = JSON.parse(readFileSync('scenarios/oct-2025-freeze.json', 'utf8'));
  change(file);
  return parseScenario(file, 'test');
}

/** The exercise's verify, attached to the lab as the trainee's terminal is (the exports of `racelab up`). */
const verify = (on: EmbeddedLab) => exerciseById('freeze')!.verify({ answers: {}, env: on.environment, root: process.cwd() });
const failing = (outcome: Awaited<ReturnType<typeof verify>>) => outcome.checks.filter((item) => !item.ok).map((item) => item.says);

/** The trainee's `aws dynamodb put-item`, with the very item the trainee guide gives. */
async function throwByHand(on: EmbeddedLab): Promise<void> {
  const client = new DynamoDBClient({ endpoint: on.endpoints.dynamodb, region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS });
  const item = '{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}';
  await client.send(new PutItemCommand({ TableName: on.tables.plans, Item: JSON.parse(item) } as PutItemCommandInput));
  client.destroy();
}

/** `racelab repair`'s work: every endpoint onto a tree that exists. */
async function repair(on: EmbeddedLab): Promise<void> {
  const deps = on.deps();
  const ctx = { store: deps.store, dns: deps.dns, clock: deps.clock, zone: deps.zone };
  await applyRepair(ctx, await planRepair(ctx));
}

/** oct-2025-freeze handed over, `turn` being the trainee's; then `after` (what they do once the automation has gone on). */
async function handedOverRun(turn: (on: EmbeddedLab) => Promise<void>, after: (on: EmbeddedLab) => Promise<void> = async () => {}) {
  lab = await startEmbeddedLab();
  const on = lab;
  const handOver: EmbeddedRunOptions['handOver'] = () => turn(on);
  const run = await runScenarioEmbedded(on, handedOver(await loadScenario('oct-2025-freeze')), { runId: 'turn', safeguards: [], handOver });
  expect(run.failure).toBeUndefined();
  await after(on);
  return { run, outcome: await verify(on) };
}

describe('exercise freeze', () => {
  it('passes the flow of the trainee guide: the switch thrown by hand, racelab repair, then the automation goes on', async () => {
    const { outcome } = await handedOverRun(async (on) => {
      // During the turn, the run is not over yet: verify says so, and judges nothing.
      expect(failing(await verify(on))).toEqual([
        expect.stringMatching(/^the run still holds for your turn \(from \+\d+\.\d s\): throw the switch and repair, then press Enter/),
      ]);
      await throwByHand(on);
      await repair(on);
    });
    expect(failing(outcome)).toEqual([]);
    expect(outcome.passed).toBe(true);
    expect(outcome.checks.map((item) => item.says).slice(0, 3)).toEqual([
      'the kill switch is thrown: leave it so until the race is fixed, as AWS kept its automation off',
      expect.stringMatching(/^the automation met the switch before its next change after you took over \(\+\d+\.\d s\): az-a \(.*\), az-b \(.*\), the Planner/),
      expect.stringMatching(/^no change landed after the freeze/),
    ]);
  });

  it('fails with no freeze: the switch is not thrown, the automation changed the lab after the turn, and the endpoints answer nothing', async () => {
    const { outcome } = await handedOverRun(async () => {});
    expect(failing(outcome)).toEqual([
      'the kill switch is not thrown now: the item pk "kill-switch", sk 0 in the plans table is missing, or its frozen is false',
      expect.stringMatching(
        new RegExp(
          String.raw`^after you took over \(\+\d+\.\d s\) the automation went on: the Planner wrote g8 \(\+\d+\.\d s\); ` +
            String.raw`az-a wrote its stale g2 over the newer g7 to dynamodb-fips\.us-east-1 \(\+\d+\.\d s\); ` +
            String.raw`az-a wrote its stale g2 over the newer g7 to dynamodb\.us-east-1\.api \(\+\d+\.\d s\); ` +
            String.raw`az-b's clean-up deleted g2 \(\+\d+\.\d s\)\. Nobody threw the kill switch\. Throw the switch during your turn`,
        ),
      ),
      'dynamodb-fips.us-east-1: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb-fips.us-east-1: DNS answers 0 addresses',
      'dynamodb.us-east-1: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb.us-east-1: DNS answers 0 addresses',
      'dynamodb.us-east-1.api: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb.us-east-1.api: DNS answers 0 addresses',
    ]);
  });

  it('fails with the freeze thrown too late: after the turn, the harm was done; a repair then does not make it pass', async () => {
    const { outcome } = await handedOverRun(
      async () => {},
      async (on) => {
        await throwByHand(on);
        await repair(on);
      },
    );
    expect(failing(outcome)).toEqual([
      expect.stringMatching(
        /^after you took over .* az-b's clean-up deleted g2 \(\+\d+\.\d s\)\. You threw the switch once the run had ended: too late, the harm was done\./,
      ),
    ]);
  });

  it('fails with a repair but no freeze: the repair holds, but the automation empties the other two endpoints', async () => {
    const { outcome } = await handedOverRun(repair);
    expect(failing(outcome)).toEqual([
      'the kill switch is not thrown now: the item pk "kill-switch", sk 0 in the plans table is missing, or its frozen is false',
      expect.stringMatching(/^after you took over .* az-b's clean-up deleted g2 \(\+\d+\.\d s\)\. Nobody threw the kill switch\./),
      'dynamodb-fips.us-east-1: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb-fips.us-east-1: DNS answers 0 addresses',
      'dynamodb.us-east-1.api: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb.us-east-1.api: DNS answers 0 addresses',
    ]);
  });

  it('fails with the freeze but no repair: the regional endpoint still answers nothing', async () => {
    const { outcome } = await handedOverRun(throwByHand);
    expect(failing(outcome)).toEqual([
      'dynamodb.us-east-1: its alias points at a tree that exists (g2, whose tree is gone: repair it (racelab repair works while the automation is frozen))',
      'dynamodb.us-east-1: DNS answers 0 addresses',
    ]);
  });

  it('fails on a run that was not handed over, and names the command that hands it over', async () => {
    expect(failing(await verify((await scripted()).lab))).toEqual([
      "this lab's run was not handed over to you: start the lab with racelab up --scenario oct-2025-freeze --hand-over (and paste the export lines it prints here)",
    ]);
  });

  it('judges a freeze the automation met only after its next change as too late, even when it stopped the harm after it', async () => {
    const scenario = handedOver(await loadScenario('oct-2025-freeze'));
    const memory = new MemoryLab();
    // Thrown by someone mid-run, the moment the Planner has taken g8: after the automation's first change since the turn.
    const late: KillSwitchControl = { read: async () => ({ thrown: (await memory.store.generationCounter()) >= 8 }), set: async () => {} };
    const deps = memory.deps.bind(memory);
    memory.deps = (clock) => ({ ...deps(clock), killSwitch: late });
    const run = await runScenarioEmbedded(memory, scenario, { runId: 'late', safeguards: [], handOver: async () => {} });
    const endpoints = ['dynamodb-fips.us-east-1', 'dynamodb.us-east-1', 'dynamodb.us-east-1.api'].map((endpoint) => ({
      endpoint,
      generation: 7,
      treeExists: true,
    }));
    expect(failing(judgeFreeze({ run: { runId: 'late', events: run.events }, killSwitch: { thrown: true }, endpoints }))).toEqual([
      expect.stringMatching(
        /^after you took over \(.*\) the automation went on: the Planner wrote g8 \(\+\d+\.\d s\)\. It first met the switch at \+\d+\.\d s, after its first change: too late\./,
      ),
    ]);
  });

  it('judges a change after the freeze (the switch released meanwhile) as a failure of its own', async () => {
    const scenario = handedOver(await loadScenario('oct-2025-freeze'));
    const memory = new MemoryLab();
    const run = await runScenarioEmbedded(memory, scenario, { runId: 'released', safeguards: [], handOver: () => memory.killSwitch.set({ thrown: true }) });
    const stop = run.events.find((event) => event.outcome === 'frozen')!;
    const late: RunEvent = {
      runId: 'released',
      at: stop.at + 5_000,
      actor: 'az-c',
      step: 'apply',
      outcome: 'applied',
      generation: 9,
      endpoint: 'dynamodb.us-east-1',
      over: 7,
    };
    const endpoints = [{ endpoint: 'dynamodb.us-east-1', generation: 9, treeExists: true }];
    const outcome = judgeFreeze({ run: { runId: 'released', events: [...run.events, late] }, killSwitch: { thrown: true }, endpoints });
    expect(failing(outcome)).toEqual([
      expect.stringMatching(
        /^az-c wrote g9 over g7 to dynamodb\.us-east-1 at \+\d+\.\d s, after the automation met the switch at .*: it was released meanwhile/,
      ),
    ]);
    expect(judgeFreeze({ run: { runId: 'released', events: run.events }, killSwitch: { thrown: true }, endpoints }).passed).toBe(true);
  });
});

describe('racelab up --hand-over', () => {
  it('holds the run for the person, serves the lab meanwhile, and goes on when they press Enter: the whole exercise through the CLI', async () => {
    const child = spawn(process.execPath, ['bin/racelab.js', 'up', '--scenario', 'oct-2025-freeze', '--hand-over', '600', '--json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffered = '';
    const seen = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`racelab up exited (${code}) early: ${lines.join('\n')}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        lines.push(...parts);
        if (lines.some((line) => line.startsWith('{"endpoints"'))) resolve();
      });
    });
    const nextLine = async (test: (line: string) => boolean) => {
      for (;;) {
        const found = lines.find(test);
        if (found) return found;
        await Promise.race([seen, delay(50)]);
      }
    };
    try {
      const turn = JSON.parse(await nextLine((line) => line.startsWith('{"handOver"')));
      expect(turn.handOver).toMatchObject({ seconds: 600, atSeconds: expect.any(Number) });
      const env = turn.environment as Record<string, string>;
      const exercise = exerciseById('freeze')!;
      expect((await exercise.verify({ answers: {}, env, root: process.cwd() })).passed).toBe(false);
      // The trainee's turn, from another terminal: the switch by hand, then racelab repair.
      const client = new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB, region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS });
      await client.send(
        new PutItemCommand({
          TableName: env.PLANS_TABLE,
          Item: JSON.parse('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}'),
        } as PutItemCommandInput),
      );
      client.destroy();
      const repaired = await racelab(['repair'], env);
      expect(repaired).toMatchObject({ code: 0 });
      child.stdin.write('\n');
      await seen;
      const outcome = await exercise.verify({ answers: {}, env, root: process.cwd() });
      expect(outcome.checks.filter((item) => !item.ok)).toEqual([]);
      // The report printed after the turn: healthy at the end, repaired by the operator (the person), not the automation.
      const report = JSON.parse(
        lines
          .slice(
            lines.findIndex((line) => line.startsWith('{"handOver"')) + 1,
            lines.findIndex((line) => line.startsWith('{"endpoints"')),
          )
          .join('\n'),
      );
      expect(report).toMatchObject({ scenario: 'oct-2025-freeze', outcome: 'healthy', story: null });
    } finally {
      child.kill('SIGINT');
    }
  });

  it('refuses --hand-over without a scenario, or with one that has no operator step, before any port is opened (exit 2)', async () => {
    expect(await racelab(['up', '--hand-over'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--hand-over: only with --scenario') });
    expect(await racelab(['up', '--scenario', 'oct-2025', '--hand-over', '60'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--hand-over: oct-2025 has no operator step to hand over'),
    });
    expect(await racelab(['up', '--scenario', 'oct-2025-freeze', '--hand-over', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--hand-over must be a whole number from 1 to 3600'),
    });
  });
});
