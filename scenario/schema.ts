// A scenario is data: which actor does which step at which second or after
// which event, which faults, what story the race tells and what outcome to
// expect. Validated here; the same file drives the embedded target,
// LocalStack and AWS. Its JSON Schema for editors is generated from this one
// (scenario/json-schema.ts).
import * as z from 'zod';
import type { EventPattern, EventPatterns } from '../lambdas/core/event-pattern.ts';
import { SAFEGUARDS } from '../lambdas/core/safeguards/index.ts';
import { OUTCOMES } from '../lambdas/core/verdict.ts';
import { ENACTOR_IDS, type EnactorId } from '../lambdas/core/events.ts';
import { LOCK_LEASE_SECONDS_MAX, NEGATIVE_TTL_SECONDS, RECORD_TTL_SECONDS } from '../lambdas/core/dns-tree.ts';
import { ScenarioError } from './scenario-error.ts';
import { terminalText } from './terminal-text.ts';
import { cascadeSettingsSchema, eventPatternSchema, faultSchema } from '../lambdas/task-input.ts';
import { CASCADE_LEVERS, DNS_OPERATOR_ACTIONS, OPERATOR_ACTIONS } from '../lambdas/core/cascade/settings.ts';

/** The actors with a timeline of steps. */
export const ACTORS = ['planner', ...ENACTOR_IDS, 'probe', 'operator'] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * Seconds after the race starts. Whole seconds: Step Functions truncates Wait
 * timestamps to the second. A step starts at `at` or, if its actor's previous
 * step is still running then, as soon as that step ends.
 */
const at = z
  .number()
  .int()
  .min(0)
  .max(3600)
  .describe('Whole seconds after the race starts; the step starts then, or when its actor is free, or when its gate opens, whichever is last.');
/** The most patterns one gate lists: each is a filter of the gate's Query (the counterexamples explore writes list up to four). */
export const GATE_PATTERNS_MAX = 8;
/** A gate: the step also waits until an event of the run matches this pattern, or any pattern of a list. */
const after = z
  .union([eventPatternSchema, z.array(eventPatternSchema).min(1).max(GATE_PATTERNS_MAX)], {
    error: `must be an event pattern, or a list of 1 to ${GATE_PATTERNS_MAX} event patterns (any of them opens the gate)`,
  })
  .optional()
  .describe('A gate: the step also waits until an event of the run matches this pattern, or any pattern of a list.');

const plannerStep = z.strictObject({ at, after, do: z.literal('plan'), count: z.number().int().min(1).max(100) });
/** One list of steps per Enactor, named by its id. */
const enactorTimelines = () => {
  const steps = () => z.array(enactorStep).max(LIST_MAX.steps).default([]);
  return Object.fromEntries(ENACTOR_IDS.map((id) => [id, steps()])) as Record<EnactorId, ReturnType<typeof steps>>;
};

const enactorStep = z.discriminatedUnion('do', [
  z.strictObject({ at, after, do: z.literal('begin') }),
  z.strictObject({ at, after, do: z.literal('apply'), endpoint: z.string() }),
  z.strictObject({ at, after, do: z.literal('cleanup') }),
  z.strictObject({ at, after, do: z.literal('run') }),
]);
/** A scripted probe: the Probe's look at the story's turning points, besides its periodic ones. */
const probeStep = z.strictObject({
  at,
  after,
  do: z.literal('probe'),
  label: z.string().min(1).max(60).describe("The probe event's detail: gates and stories find the probe by it."),
});
/** An operator's step: the DNS repair, the automation's kill switch, or a switch of the cascade (docs/cascade.md). */
const operatorStep = z.strictObject({ at, after, do: z.enum(OPERATOR_ACTIONS).describe('What the operator does.') });
export type PlannerStep = z.infer<typeof plannerStep>;
export type OperatorStep = z.infer<typeof operatorStep>;
export type EnactorStepSpec = z.infer<typeof enactorStep>;
export type ProbeStep = z.infer<typeof probeStep>;
export type Step = PlannerStep | EnactorStepSpec | ProbeStep | OperatorStep;

const endpointName = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be DNS labels: a-z, 0-9, "-" and "."');

const outcome = z.enum(OUTCOMES);
/** One line of a story: what it says happened, and the event that shows it. */
const storyLine = z.strictObject({ says: z.string().min(1).describe('What happens, in words, as the verdict prints it.'), event: eventPatternSchema });
export type StoryLine = z.infer<typeof storyLine>;
/**
 * Bounds on every list: a scenario is a script for a few dozen steps, and a
 * file of thousands would run for minutes (the state machine has a state per step).
 */
export const LIST_MAX = { steps: 200, faults: 20, story: 50, emptyPlans: 50, schedule: 10_000 } as const;
/** The most endpoints a scenario names (a saved run's report lists no more). */
export const ENDPOINTS_MAX = 10;
const story = z.array(storyLine).max(LIST_MAX.story).default([]);
const expectation = z.strictObject({ outcome, story });
/** What a scenario with a cascade expects of it: a metastable failure or not, and a recovery by the run's end or not. */
const cascadeExpectation = z.strictObject({
  metastable: z.boolean().describe("DWFM's goodput stays under its share of capacity after DNS is back (docs/cascade.md)."),
  recovered: z.boolean().describe('Every subsystem is healthy again by the end of the run.'),
});
const leverExpectation = cascadeExpectation.extend({ story });

const seconds = (max: number) => z.number().min(0).max(max);

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema for editors (./scenario.schema.json); ignored by racelab.'),
    generator: z
      .string()
      .max(100)
      .optional()
      .describe(
        'Set by racelab on the scenario files it writes ("racelab counterexample v1"): a later `racelab explore --out` may overwrite such a file ' +
          'without --force. Ignored when the scenario runs; remove it to make the file your own.',
      ),
    name: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and "-"'),
    title: z.string().min(1),
    description: z.string().min(1),
    endpoints: z.array(endpointName).min(1).max(ENDPOINTS_MAX).describe('Endpoint names relative to the zone; every plan covers all of them, in this order.'),
    loadBalancers: z.number().int().min(1).max(16).describe('The pool: lb-1 at 10.10.0.11, lb-2 at 10.10.0.12, and so on.'),
    seed: z.number().int().default(2025).describe("Seeds the Planner's weights (and, unless told otherwise, the embedded target's latencies)."),
    policy: z.strictObject({
      keepGenerations: z.number().int().min(1).max(100),
      attemptsMax: z.number().int().min(1).max(20),
      backoffSeconds: seconds(60),
      backoffSecondsMax: seconds(300),
      lockLeaseSeconds: z
        .number()
        .int()
        .min(0)
        .max(LOCK_LEASE_SECONDS_MAX)
        .default(2)
        .describe("How long an endpoint's lock holds after an Enactor's change batch: another Enactor that finds it unexpired backs off (DAT453's lease)."),
    }),
    faults: z.array(faultSchema).max(LIST_MAX.faults).default([]).describe('Injected faults: throttling or lock contention on one Enactor and endpoint.'),
    emptyPlans: z
      .array(z.number().int().min(1))
      .max(LIST_MAX.emptyPlans)
      .default([])
      .describe('A Planner fault: these generations come out with every load balancer at weight 0 (all capacity removed).'),
    probe: z.strictObject({
      // No shorter than the zone's TTLs (dns-tree.ts): a change, or a name's first record, reaches the resolver within one interval.
      everySeconds: z
        .number()
        .int()
        .min(Math.max(1, RECORD_TTL_SECONDS, NEGATIVE_TTL_SECONDS))
        .max(60),
      untilSeconds: z.number().int().min(1).max(3600),
      samples: z.number().int().min(1).max(64),
    }),
    /**
     * How gated steps wait: polls of the run-events table, pollSeconds apart at
     * first, the interval doubling up to pollSecondsMax; the run fails once a
     * gate has waited timeoutSeconds.
     */
    gates: z
      .strictObject({
        pollSeconds: z.number().int().min(1).max(60),
        pollSecondsMax: z.number().int().min(1).max(300),
        timeoutSeconds: z.number().int().min(1).max(840),
      })
      .default({ pollSeconds: 1, pollSecondsMax: 4, timeoutSeconds: 240 })
      .describe(
        'How gated steps wait: polls of the run-events table, pollSeconds apart at first, doubling up to pollSecondsMax; the run fails once ' +
          'a gate has waited timeoutSeconds.',
      ),
    timeline: z
      .strictObject({
        planner: z.array(plannerStep).max(LIST_MAX.steps).default([]),
        ...enactorTimelines(),
        probe: z.array(probeStep).max(LIST_MAX.steps).default([]),
        operator: z.array(operatorStep).max(LIST_MAX.steps).default([]),
      })
      .describe("Each actor's steps, in time order."),
    expect: z
      .strictObject({
        /** The outcome with no safeguard on. */
        outcome,
        /** The key events of the race with no safeguard on, in order. */
        story,
        /** Per safeguard switched on alone: its outcome and story. Any safeguard here whose outcome is healthy makes a combination healthy. */
        safeguards: z.partialRecord(z.enum(SAFEGUARDS), expectation).default({}),
        /** With a cascade: what it does with no lever on. */
        cascade: cascadeExpectation.optional(),
        /** Per cascade lever switched on alone (no safeguard): what the cascade does, and its story. */
        levers: z.partialRecord(z.enum(CASCADE_LEVERS), leverExpectation).default({}),
      })
      .describe('The outcome and story with no safeguard on, and with each safeguard alone.'),
    cascade: cascadeSettingsSchema.optional().describe("After the race: DWFM's leases, EC2 launches, Network Manager and NLB (docs/cascade.md)."),
    /** Embedded target only: the virtual time each call and each function's cold start take (seeded per run). */
    latency: z
      .strictObject({
        callSeconds: z.strictObject({ min: seconds(60), max: seconds(60) }),
        coldStartSeconds: seconds(60),
      })
      .default({ callSeconds: { min: 0.02, max: 0.25 }, coldStartSeconds: 1 })
      .describe("Embedded target only: the virtual time each call and each function's cold start take, seeded per run."),
    /** Set by `racelab explore` on the scenarios it writes: where the interleaving came from. */
    counterexample: z
      .strictObject({
        invariant: z.string(),
        detail: z.string(),
        safeguards: z.array(z.enum(SAFEGUARDS)),
        bounds: z.record(z.string(), z.number()),
        schedule: z.array(z.number().int().min(0)).max(LIST_MAX.schedule),
      })
      .optional(),
  })
  .superRefine((scenario, ctx) => {
    const endpoints = new Set(scenario.endpoints);
    scenario.endpoints.forEach((endpoint, i) => {
      if (scenario.endpoints.indexOf(endpoint) < i)
        ctx.addIssue({ code: 'custom', path: ['endpoints', i], message: `"${endpoint}" is listed twice; list each endpoint once` });
    });
    // With the list itself wrong, every step naming an endpoint would be reported too: one line is enough.
    const endpointsValid =
      endpoints.size === scenario.endpoints.length && endpoints.size > 0 && scenario.endpoints.every((name) => endpointName.safeParse(name).success);
    const known = scenario.endpoints.join(', ');
    const checkEndpoint = (endpoint: string | undefined, path: (string | number)[]) => {
      if (endpointsValid && endpoint !== undefined && !endpoints.has(endpoint)) {
        ctx.addIssue({ code: 'custom', path, message: `"${endpoint}" is not one of the scenario's endpoints (${known})` });
      }
    };
    const checkPattern = (pattern: EventPattern | undefined, path: (string | number)[]) => checkEndpoint(pattern?.endpoint, [...path, 'endpoint']);
    const checkGate = (patterns: EventPatterns | undefined, path: (string | number)[]) => {
      if (Array.isArray(patterns)) patterns.forEach((pattern, i) => checkPattern(pattern, [...path, i]));
      else checkPattern(patterns as EventPattern | undefined, path);
    };
    scenario.faults.forEach((fault, i) => {
      checkEndpoint(fault.endpoint, ['faults', i, 'endpoint']);
      checkPattern(fault.until, ['faults', i, 'until']);
    });
    for (const actor of ACTORS) {
      (scenario.timeline[actor] as Step[]).forEach((step, i, steps) => {
        const before = steps[i - 1];
        if (before && step.at < before.at) {
          ctx.addIssue({
            code: 'custom',
            path: ['timeline', actor, i, 'at'],
            message: `${step.at} is earlier than the step before it (${before.at}); list each actor's steps in time order`,
          });
        }
        checkGate(step.after, ['timeline', actor, i, 'after']);
      });
    }
    for (const enactor of ENACTOR_IDS) {
      let begun = false;
      scenario.timeline[enactor].forEach((step, i) => {
        if (step.do === 'begin') begun = true;
        if (step.do === 'run') begun = false;
        if ((step.do === 'apply' || step.do === 'cleanup') && !begun) {
          ctx.addIssue({
            code: 'custom',
            path: ['timeline', enactor, i, 'do'],
            message: `"${step.do}" needs an earlier "begin" step of ${enactor} (the plan it applies)`,
          });
        }
        if (step.do === 'apply') checkEndpoint(step.endpoint, ['timeline', enactor, i, 'endpoint']);
      });
    }
    const labels = new Set<string>();
    scenario.timeline.probe.forEach((step, i) => {
      if (labels.has(step.label))
        ctx.addIssue({
          code: 'custom',
          path: ['timeline', 'probe', i, 'label'],
          message: `"${step.label}" labels an earlier probe step too; give each scripted probe its own label (gates and stories find it by its label)`,
        });
      labels.add(step.label);
    });
    if (scenario.cascade) {
      checkEndpoint(scenario.cascade.endpoint, ['cascade', 'endpoint']);
      if (scenario.cascade.dwfm.backoffSecondsMax < scenario.cascade.dwfm.backoffSeconds)
        ctx.addIssue({ code: 'custom', path: ['cascade', 'dwfm', 'backoffSecondsMax'], message: 'must be at least cascade.dwfm.backoffSeconds' });
    } else {
      scenario.timeline.operator.forEach((step, i) => {
        if (!(DNS_OPERATOR_ACTIONS as readonly string[]).includes(step.do))
          ctx.addIssue({
            code: 'custom',
            path: ['timeline', 'operator', i, 'do'],
            message: `"${step.do}" works a switch of the cascade: add a "cascade" section`,
          });
      });
      if (scenario.expect.cascade || Object.keys(scenario.expect.levers).length)
        ctx.addIssue({ code: 'custom', path: ['expect'], message: 'expects a cascade: add a "cascade" section, or remove expect.cascade and expect.levers' });
    }
    const stories: [StoryLine[], (string | number)[]][] = [
      [scenario.expect.story, ['expect', 'story']],
      ...Object.entries(scenario.expect.levers).map(([name, entry]) => [entry!.story, ['expect', 'levers', name, 'story']] as [StoryLine[], string[]]),
      ...Object.entries(scenario.expect.safeguards).map(([name, entry]) => [entry!.story, ['expect', 'safeguards', name, 'story']] as [StoryLine[], string[]]),
    ];
    for (const [lines, path] of stories) lines.forEach((line, i) => checkPattern(line.event, [...path, i, 'event']));
    if (scenario.policy.backoffSecondsMax < scenario.policy.backoffSeconds) {
      ctx.addIssue({ code: 'custom', path: ['policy', 'backoffSecondsMax'], message: 'must be at least policy.backoffSeconds' });
    }
    if (scenario.gates.pollSecondsMax < scenario.gates.pollSeconds) {
      ctx.addIssue({ code: 'custom', path: ['gates', 'pollSecondsMax'], message: 'must be at least gates.pollSeconds' });
    }
    if (scenario.latency.callSeconds.max < scenario.latency.callSeconds.min) {
      ctx.addIssue({ code: 'custom', path: ['latency', 'callSeconds', 'max'], message: 'must be at least latency.callSeconds.min' });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;

/** The embedded target's latency for one run: the scenario's (or the options'), and the seed of its random streams. */
export type LatencySettings = Scenario['latency'] & { seed: number };

const ISSUES_SHOWN = 15;

/**
 * A file's problems as zod found them, one indented line each: the field's path
 * and what is wrong. A long list helps nobody: the first `shownMax`, and how
 * many more there are. Messages quote the file's own strings: their control
 * characters are shown, not sent to the terminal.
 */
export function issueLines(issues: readonly z.core.$ZodIssue[], shownMax: number): string[] {
  const lines = issues.flatMap(withinUnion).map((issue) => `  ${terminalText(issue.path.join('.')) || '(top level)'}: ${terminalText(issue.message)}`);
  const shown = lines.slice(0, shownMax);
  const more = lines.length - shown.length;
  if (more > 0) shown.push(`  … and ${more} more problem${more === 1 ? '' : 's'}`);
  return shown;
}

/**
 * A value that may take one of two forms (a gate: one pattern or a list) fails as a union, which names no field. When
 * the value has one form's shape and only fields inside it are wrong, those fields' issues are what the user needs.
 */
function withinUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const shaped = issue.errors.filter((errors) => errors.length > 0 && errors.every((inner) => inner.path.length > 0));
  if (shaped.length !== 1) return [issue];
  return shaped[0]!.flatMap((inner) => withinUnion({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** Validates parsed JSON; the error names each bad field and what is allowed. */
export function parseScenario(data: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ScenarioError(`${source} is not a valid scenario:`, issueLines(parsed.error.issues, ISSUES_SHOWN));
}
