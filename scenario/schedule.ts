// From a scenario to what one execution needs: the lab settings every Task
// reads, and the schedule of absolute instants its Wait states wait for.
import { loadBalancerPool } from '../lambdas/core/planner.ts';
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import type { CascadeLever } from '../lambdas/core/cascade/settings.ts';
import type { ExecutionInput, LabSettings } from '../lambdas/task-input.ts';
import { ACTORS, type Scenario, type Step } from './schema.ts';

export function labSettings(scenario: Scenario, seed = scenario.seed): LabSettings {
  return {
    endpoints: scenario.endpoints,
    pool: loadBalancerPool(scenario.loadBalancers),
    seed,
    policy: {
      keepGenerations: scenario.policy.keepGenerations,
      attemptsMax: scenario.policy.attemptsMax,
      backoffMs: scenario.policy.backoffSeconds * 1000,
      backoffMsMax: scenario.policy.backoffSecondsMax * 1000,
      lockLeaseSeconds: scenario.policy.lockLeaseSeconds,
    },
    faults: scenario.faults,
    emptyPlans: scenario.emptyPlans,
    probeSamples: scenario.probe.samples,
    faultHoldMsMax: scenario.gates.timeoutSeconds * 1000,
    ...(scenario.cascade ? { cascade: scenario.cascade } : {}),
  };
}

/** The periodic probes' seconds: 0, every, 2 × every, … up to `until`. */
export function probeSeconds(probe: Scenario['probe']): number[] {
  const times: number[] = [];
  for (let t = 0; t <= probe.untilSeconds; t += probe.everySeconds) times.push(t);
  return times;
}

/** The cascade's ticks: each tick's first second, every tickSeconds from startSeconds until untilSeconds. */
export function cascadeTicks(cascade: Scenario['cascade']): { fromSecond: number; toSecond: number }[] {
  if (!cascade) return [];
  const ticks = [];
  for (let from = cascade.startSeconds; from < cascade.untilSeconds; from += cascade.tickSeconds)
    ticks.push({ fromSecond: from, toSecond: Math.min(from + cascade.tickSeconds, cascade.untilSeconds) });
  return ticks;
}

/** Every instant the state machine waits for by name: each step's `at` and each periodic probe (the cascade's ticks are a list of their own). */
export function scheduleSeconds(scenario: Scenario): number[] {
  const times = new Set<number>(ACTORS.flatMap((actor) => (scenario.timeline[actor] as Step[]).map((step) => step.at)));
  for (const t of probeSeconds(scenario.probe)) times.add(t);
  return [...times].sort((a, b) => a - b);
}

/** The last scheduled second: a step's, a periodic probe's or the cascade's end. */
export function lastScheduledSecond(scenario: Scenario): number {
  return Math.max(...scheduleSeconds(scenario), scenario.cascade?.untilSeconds ?? 0);
}

export function scheduleKey(seconds: number): string {
  return `t${seconds}`;
}

/**
 * The execution input: the run's choices and the schedule, scenario second t
 * at `startAt` + t seconds. Seconds are real on AWS and LocalStack, virtual
 * on the embedded target.
 */
export function executionInput(
  scenario: Scenario,
  options: { runId: string; safeguards: Safeguard[]; levers?: CascadeLever[]; seed?: number; startAt: Date },
): ExecutionInput {
  const instant = (t: number) => new Date(options.startAt.getTime() + t * 1000).toISOString();
  const schedule = Object.fromEntries(scheduleSeconds(scenario).map((t) => [scheduleKey(t), instant(t)]));
  const ticks = cascadeTicks(scenario.cascade).map((tick) => ({ ...tick, at: instant(tick.fromSecond) }));
  return {
    runId: options.runId,
    safeguards: options.safeguards,
    levers: options.levers ?? [],
    settings: labSettings(scenario, options.seed),
    schedule,
    ...(ticks.length ? { cascadeTicks: ticks } : {}),
  };
}
