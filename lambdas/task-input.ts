// The contract between the state machine and the Lambda handlers: what each
// Task passes in. The ASL builder writes these shapes; the handlers parse them.
// A namespace import lets esbuild drop what the handlers never call (most of zod, and its locales: 440 KB of each bundle).
import * as z from 'zod';
import { LOCK_LEASE_SECONDS_MAX } from './core/dns-tree.ts';
import type { EventPattern } from './core/event-pattern.ts';
import { ENACTOR_IDS, EVENT_ACTORS, EVENT_OUTCOMES, EVENT_STEPS } from './core/events.ts';
import type { EnactorWork } from './core/enactor-types.ts';
import { FAULT_KINDS, type Fault } from './core/faults.ts';
import type { Plan } from './core/plan.ts';
import { SAFEGUARDS } from './core/safeguards/index.ts';
import { CASCADE_LEVERS, OPERATOR_ACTIONS, type CascadeSettings } from './core/cascade/settings.ts';
import type { DwfmState } from './core/cascade/dwfm.ts';
import type { LauncherState } from './core/cascade/launcher.ts';
import type { NetworkState } from './core/cascade/network-manager.ts';
import type { NlbState } from './core/cascade/nlb.ts';
import type { TickHandoff } from './core/cascade/chain.ts';

const outcome = z.enum(EVENT_OUTCOMES);

/** The one schema of an event pattern (lambdas/core/event-pattern.ts), used by faults, gates and stories. */
export const eventPatternSchema: z.ZodType<EventPattern> = z
  .strictObject({
    actor: z.enum(EVENT_ACTORS).describe('The actor that records the event.'),
    step: z.enum(EVENT_STEPS).optional().describe('The step it records the event in.'),
    outcome: z
      .union([outcome, z.array(outcome).min(1)], {
        error: `must be an outcome, or a list of outcomes, from: ${EVENT_OUTCOMES.map((name) => `"${name}"`).join(', ')}`,
      })
      .optional()
      .describe('The outcome, or a list: any of them.'),
    generation: z.number().int().min(1).optional().describe('The plan generation the event is about.'),
    endpoint: z.string().min(1).optional().describe('The endpoint the event is about.'),
    over: z.number().int().min(1).optional().describe('An "applied" event: the generation the endpoint pointed at before.'),
    detail: z.string().min(1).optional().describe("The event's detail, exactly; a scripted probe's detail is its label."),
  })
  .meta({ id: 'EventPattern', description: 'An event of the run: every field given must match.' });

/** The one schema of a fault (lambdas/core/faults.ts); the scenario schema adds its cross-field checks. */
export const faultSchema: z.ZodType<Fault> = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    enactor: z.enum(ENACTOR_IDS),
    endpoint: z.string(),
    times: z.number().int().min(1).max(20).optional().describe('Spoil this many attempts of every apply step of the Enactor on the endpoint.'),
    untilSecond: z.number().int().min(0).max(3600).optional().describe('Or: spoil every attempt made before this scenario second.'),
    until: eventPatternSchema
      .optional()
      .describe('Or: spoil every attempt made before this event of the run (those attempts do not count against attemptsMax).'),
  })
  .refine((fault) => [fault.times, fault.untilSecond, fault.until].filter((span) => span !== undefined).length === 1, {
    message:
      'give exactly one of "times" (attempts to spoil), "untilSecond" (spoil attempts until this scenario second) or "until" (spoil attempts until an event)',
  });

const positive = z.number().positive();
const count = z.number().int().min(1);

/** The one schema of the cascade's settings (lambdas/core/cascade/settings.ts); a scenario's `cascade` section. */
export const cascadeSettingsSchema = z
  .strictObject({
    endpoint: z.string().min(1).describe("The endpoint DWFM reaches DynamoDB by; one of the scenario's endpoints."),
    droplets: count.max(49_500).describe('Physical hosts, each with a lease.'),
    leaseSeconds: count.max(3600).describe('How long a lease lasts; DWFM renews it in its second half.'),
    tickSeconds: count.max(300).describe('How often each subsystem runs (one Lambda invocation each per tick).'),
    startSeconds: z.number().int().min(0).max(3600).describe("The first tick's start: once the race's steady state is up."),
    untilSeconds: count.max(3600).describe("The cascade's last second."),
    dwfm: z.strictObject({
      leasesPerSecond: positive.describe('Leases DWFM establishes per second; the attempts in flight share it.'),
      attemptTimeoutSeconds: count.describe('An attempt not finished by then is abandoned and tried again.'),
      queueMax: count.describe('With admission control: at most this many attempts in flight.'),
      backoffSeconds: positive.describe("backoff-jitter: the first retry's cap, doubling per timeout."),
      backoffSecondsMax: positive,
    }),
    launches: z.strictObject({ perSecond: z.number().min(0), throttledPerSecond: z.number().min(0) }),
    network: z.strictObject({ unitsPerSecond: positive, unitsPerLease: z.number().min(0), normalDelaySeconds: z.number().min(0) }),
    nlb: z.strictObject({ nodes: count.max(1000), graceSeconds: z.number().int().min(0), removableFraction: z.number().min(0).max(1) }),
    metastable: z.strictObject({ windowSeconds: count, goodputFraction: z.number().min(0).max(1) }),
  })
  .meta({
    id: 'CascadeSettings',
    description: "After the race: DWFM's leases, EC2 launches, Network Manager and NLB (docs/cascade.md).",
  }) satisfies z.ZodType<CascadeSettings>;

export const labSettingsSchema = z.object({
  endpoints: z.array(z.string().min(1)).min(1),
  pool: z.array(z.object({ id: z.string().min(1), address: z.string().min(1) })).min(1),
  seed: z.number().int(),
  policy: z.object({
    keepGenerations: z.number().int().min(1),
    attemptsMax: z.number().int().min(1),
    backoffMs: z.number().min(0),
    backoffMsMax: z.number().min(0),
    lockLeaseSeconds: z.number().int().min(0).max(LOCK_LEASE_SECONDS_MAX),
  }),
  faults: z.array(faultSchema),
  /** Generations the Planner writes with every load balancer at weight 0 (a Planner fault). */
  emptyPlans: z.array(z.number().int().min(1)).default([]),
  probeSamples: z.number().int().min(1),
  /** How long a fault may hold an apply step while it waits for its event (the scenario's gates.timeoutSeconds). */
  faultHoldMsMax: z.number().int().min(0).optional(),
  cascade: cascadeSettingsSchema.optional(),
});
export type LabSettings = z.infer<typeof labSettingsSchema>;

/** The execution input: chosen per run, read by every Task through $$.Execution.Input. */
export const executionInputSchema = z.object({
  runId: z.string().min(1),
  safeguards: z.array(z.enum(SAFEGUARDS)),
  /** The cascade's levers switched on for this run. */
  levers: z.array(z.enum(CASCADE_LEVERS)).default([]),
  settings: labSettingsSchema,
  /** When scenario second 0 is (the schedule's t0), for faults pinned to the schedule. */
  startedAt: z.string().optional(),
  /** t<seconds> → ISO time: when each scheduled step may start (Wait states read it). */
  schedule: z.record(z.string(), z.string()).optional(),
  /** The cascade's ticks, in order: their seconds and the instant each begins (the cascade's loop reads them). */
  cascadeTicks: z.array(z.object({ fromSecond: z.number().int(), toSecond: z.number().int(), at: z.string() })).optional(),
});
export type ExecutionInput = z.infer<typeof executionInputSchema>;

/**
 * The warm-up branch invokes every function once with this input before
 * scenario second 0, so cold starts fall outside the script. A handler
 * answers it at once: loading the code and building the SDK clients is the
 * warming.
 */
export const WARM_UP_INPUT = { warmUp: true } as const;

export function isWarmUp(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { warmUp?: unknown }).warmUp === true;
}

export const plannerInputSchema = executionInputSchema.extend({ count: z.number().int().min(1) });

export const ENACTOR_STEPS = ['begin', 'apply', 'cleanup', 'run'] as const;

/** The one schema of a plan as the state machine carries it (lambdas/core/plan.ts declares the type). */
const planSchema: z.ZodType<Plan> = z.object({
  generation: z.number().int(),
  createdAt: z.number(),
  endpoints: z.array(z.string()),
  loadBalancers: z.array(z.object({ id: z.string(), address: z.string(), weight: z.number() })),
});

export const enactorInputSchema = executionInputSchema.extend({
  enactor: z.enum(ENACTOR_IDS),
  step: z.enum(ENACTOR_STEPS),
  endpoint: z.string().optional(),
  work: (z.object({ plan: planSchema, checkedAgainst: z.number().nullable() }) satisfies z.ZodType<EnactorWork>).optional(),
});
export type EnactorInput = z.infer<typeof enactorInputSchema>;

export const probeInputSchema = executionInputSchema.extend({ label: z.string() });

/**
 * A cascade tick's input: the seconds it covers, the subsystem's state value
 * (its memory, carried by the state machine; null on the first tick) and what
 * the subsystem before it in the tick handed on. The states are the lab's own
 * output, passed back as they came: checked for shape, not field by field.
 */
const stateValue = <T>() => z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a state value (an object)');
const tick = z.strictObject({ fromSecond: z.number().int().min(0), toSecond: z.number().int().min(1) });
export const dwfmInputSchema = executionInputSchema.extend({ tick, state: stateValue<DwfmState>().nullable() });
const handedOn = executionInputSchema.extend({ handoff: stateValue<TickHandoff>() });
export const launcherInputSchema = handedOn.extend({ state: stateValue<LauncherState>().nullable() });
export const networkInputSchema = handedOn.extend({ state: stateValue<NetworkState>().nullable() });
export const nlbInputSchema = handedOn.extend({ state: stateValue<NlbState>().nullable() });
export const operatorInputSchema = executionInputSchema.extend({ action: z.enum(OPERATOR_ACTIONS) });

/**
 * The zone clean-up's input: not a Task's, but the custom resource request CloudFormation sends through
 * CDK's Provider framework (infra/lab-zone-cleanup.ts writes the properties). Loose objects: the request
 * carries more (ServiceToken, StackId, ...) than the handler reads.
 */
export const zoneCleanupEventSchema = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  PhysicalResourceId: z.string().min(1).optional(),
  ResourceProperties: z.object({ HostedZoneId: z.string().min(1), ZoneName: z.string().min(1) }),
});
export type ZoneCleanupEvent = z.infer<typeof zoneCleanupEventSchema>;
/** The properties the custom resource passes: the zone's id and name. */
export type ZoneCleanupProperties = ZoneCleanupEvent['ResourceProperties'];

/** Parses a Task's input, or throws one readable sentence naming the fields. */
export function parseTaskInput<T>(schema: z.ZodType<T>, event: unknown, task: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
  throw new Error(`${task} input is invalid: ${fields}`);
}
