// A scenario is data: which actor does which step after which delay, which
// faults, and what outcome to expect. Validated here; the same file drives the
// embedded target, LocalStack and AWS.
import { z } from 'zod';
import { FAULT_KINDS } from '../lambdas/core/faults.ts';
import { SAFEGUARDS, type Safeguard } from '../lambdas/core/safeguards.ts';
import { ENACTOR_IDS, type ExecutionInput, type LabSettings } from '../lambdas/task-input.ts';

export const ACTORS = ['planner', ...ENACTOR_IDS] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * Seconds after the race starts. Whole seconds: Step Functions truncates Wait
 * timestamps to the second. A step starts at `at` or, if its actor's previous
 * step is still running then, as soon as that step ends.
 */
const at = z.number().int().min(0).max(3600);

const plannerStep = z.strictObject({ at, do: z.literal('plan'), count: z.number().int().min(1).max(100) });
const enactorStep = z.discriminatedUnion('do', [
  z.strictObject({ at, do: z.literal('begin') }),
  z.strictObject({ at, do: z.literal('apply'), endpoint: z.string() }),
  z.strictObject({ at, do: z.literal('cleanup') }),
  z.strictObject({ at, do: z.literal('run') }),
]);
export type PlannerStep = z.infer<typeof plannerStep>;
export type EnactorStepSpec = z.infer<typeof enactorStep>;
export type Step = PlannerStep | EnactorStepSpec;

const endpointName = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be DNS labels: a-z, 0-9, "-" and "."');

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and "-"'),
    title: z.string().min(1),
    description: z.string().min(1),
    endpoints: z.array(endpointName).min(1).max(10),
    loadBalancers: z.number().int().min(1).max(16),
    seed: z.number().int().default(2025),
    policy: z.strictObject({
      keepGenerations: z.number().int().min(1).max(100),
      attemptsMax: z.number().int().min(1).max(20),
      backoffSeconds: z.number().min(0).max(60),
      backoffSecondsMax: z.number().min(0).max(300),
    }),
    faults: z
      .array(
        z
          .strictObject({
            kind: z.enum(FAULT_KINDS),
            enactor: z.enum(ENACTOR_IDS),
            endpoint: z.string(),
            /** Spoil this many attempts (per apply step)... */
            times: z.number().int().min(1).max(20).optional(),
            /** ...or every attempt made before this scenario second. */
            untilSecond: z.number().int().min(0).max(3600).optional(),
          })
          .refine((fault) => (fault.times === undefined) !== (fault.untilSecond === undefined), {
            message: 'give exactly one of "times" (attempts to spoil) or "untilSecond" (spoil attempts until this scenario second)',
          }),
      )
      .default([]),
    probe: z.strictObject({
      everySeconds: z.number().int().min(1).max(60),
      untilSeconds: z.number().int().min(1).max(3600),
      samples: z.number().int().min(1).max(64),
    }),
    timeline: z.strictObject({
      planner: z.array(plannerStep).default([]),
      'az-a': z.array(enactorStep).default([]),
      'az-b': z.array(enactorStep).default([]),
      'az-c': z.array(enactorStep).default([]),
    }),
    expect: z.strictObject({
      outcome: z.enum(['outage', 'healthy']),
      /** Safeguards any one of which should turn the outcome to healthy. */
      healthyWith: z.array(z.enum(SAFEGUARDS)).default([]),
    }),
    /** Embedded target only: real milliseconds per scenario second. */
    msPerSecond: z.number().int().min(1).max(1000).default(50),
    /** Set by `racelab explore` on the scenarios it writes: where the interleaving came from. */
    counterexample: z
      .strictObject({
        invariant: z.string(),
        detail: z.string(),
        safeguards: z.array(z.enum(SAFEGUARDS)),
        bounds: z.record(z.string(), z.number()),
        schedule: z.array(z.number().int().min(0)),
      })
      .optional(),
  })
  .superRefine((scenario, ctx) => {
    const endpoints = new Set(scenario.endpoints);
    const known = scenario.endpoints.join(', ');
    scenario.faults.forEach((fault, i) => {
      if (!endpoints.has(fault.endpoint)) {
        ctx.addIssue({ code: 'custom', path: ['faults', i, 'endpoint'], message: `"${fault.endpoint}" is not one of the scenario's endpoints (${known})` });
      }
    });
    for (const actor of ACTORS) {
      scenario.timeline[actor].forEach((step, i, steps) => {
        const before = steps[i - 1];
        if (before && step.at < before.at) {
          ctx.addIssue({ code: 'custom', path: ['timeline', actor, i, 'at'], message: `${step.at} is earlier than the step before it (${before.at}); list each actor's steps in time order` });
        }
      });
    }
    for (const enactor of ENACTOR_IDS) {
      let begun = false;
      scenario.timeline[enactor].forEach((step, i) => {
        if (step.do === 'begin') begun = true;
        if (step.do === 'run') begun = false;
        if ((step.do === 'apply' || step.do === 'cleanup') && !begun) {
          ctx.addIssue({ code: 'custom', path: ['timeline', enactor, i, 'do'], message: `"${step.do}" needs an earlier "begin" step of ${enactor} (the plan it applies)` });
        }
        if (step.do === 'apply' && !endpoints.has(step.endpoint)) {
          ctx.addIssue({ code: 'custom', path: ['timeline', enactor, i, 'endpoint'], message: `"${step.endpoint}" is not one of the scenario's endpoints (${known})` });
        }
      });
    }
    if (scenario.policy.backoffSecondsMax < scenario.policy.backoffSeconds) {
      ctx.addIssue({ code: 'custom', path: ['policy', 'backoffSecondsMax'], message: 'must be at least policy.backoffSeconds' });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Validates parsed JSON; the error names each bad field and what is allowed. */
export function parseScenario(data: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  throw new ScenarioError(`${source} is not a valid scenario:\n${lines.join('\n')}`);
}

/** The expected outcome with these safeguards switched on. */
export function expectedOutcome(scenario: Scenario, safeguards: readonly Safeguard[]): 'outage' | 'healthy' {
  return safeguards.some((name) => scenario.expect.healthyWith.includes(name)) ? 'healthy' : scenario.expect.outcome;
}

export function loadBalancerPool(count: number): LabSettings['pool'] {
  return Array.from({ length: count }, (_, i) => ({ id: `lb-${i + 1}`, address: `10.10.0.${11 + i}` }));
}

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
    },
    faults: scenario.faults,
    probeSamples: scenario.probe.samples,
  };
}

/** Every instant the state machine waits for: each step's `at` and each probe. */
export function scheduleSeconds(scenario: Scenario): number[] {
  const times = new Set<number>(ACTORS.flatMap((actor) => scenario.timeline[actor].map((step) => step.at)));
  for (let t = 0; t <= scenario.probe.untilSeconds; t += scenario.probe.everySeconds) times.add(t);
  return [...times].sort((a, b) => a - b);
}

export function scheduleKey(seconds: number): string {
  return `t${seconds}`;
}

export interface ScheduleOptions {
  /** When scenario second 0 happens. */
  startAt: Date;
  /** Real milliseconds per scenario second: 1000 on AWS and LocalStack, scenario.msPerSecond embedded. */
  msPerSecond: number;
}

export function executionInput(
  scenario: Scenario,
  options: { runId: string; safeguards: Safeguard[]; seed?: number } & ScheduleOptions,
): ExecutionInput {
  const schedule = Object.fromEntries(
    scheduleSeconds(scenario).map((t) => [scheduleKey(t), new Date(options.startAt.getTime() + t * options.msPerSecond).toISOString()]),
  );
  return { runId: options.runId, safeguards: options.safeguards, settings: labSettings(scenario, options.seed), schedule };
}
