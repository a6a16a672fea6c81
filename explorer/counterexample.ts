// A counterexample, made readable and replayable: as a run report (rendered by
// the same timeline renderer as `racelab run`) and as a scenario file whose
// steps happen in the counterexample's order, for the embedded target,
// LocalStack and AWS.
import { STEP_STATUSES } from '../lambdas/core/enactor-types.ts';
import { buildRunReport, type RunReport } from '../scenario/run-report.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ENACTOR_IDS, type EnactorId, type EventOutcome, type RunEvent } from '../lambdas/core/events.ts';
import { matchesPattern, type EventPattern } from '../lambdas/core/event-pattern.ts';
import { EXPLORER_SEED, endpointsOf, type ExplorerConfig } from './config.ts';
import { Execution, independent, PLANNER, type Footprint } from './execution.ts';
import { INVARIANTS } from './invariant-names.ts';
import { replaySchedule, shrink, type Counterexample } from './search.ts';

/** The outcomes that end an Enactor's step: its step statuses (the others are recorded within a step). */
const STEP_ENDS = new Set<string>(STEP_STATUSES);

/** The run's events with a probe event whenever what DNS answers changes, so the verdict can be computed. */
export async function counterexampleEvents(config: ExplorerConfig, counterexample: Counterexample): Promise<{ events: RunEvent[]; execution: Execution }> {
  const { execution } = await replaySchedule(config, []);
  const events: RunEvent[] = [];
  let last = '';
  const probe = (at: number) => {
    const addresses = Object.fromEntries(endpointsOf(config).map((endpoint) => [endpoint, execution.world.addresses(endpoint)]));
    const summary = JSON.stringify(addresses);
    if (summary === last) return;
    last = summary;
    const empty = Object.values(addresses).some((list) => list.length === 0);
    events.push({ runId: 'explore', at, actor: 'probe', step: 'probe', outcome: empty ? 'empty' : 'answering', addresses });
  };
  probe(0);
  for (const choice of counterexample.schedule) {
    await execution.step(choice);
    probe(execution.steps * 1000);
  }
  return { events: [...events, ...execution.events], execution };
}

export async function counterexampleReport(config: ExplorerConfig, counterexample: Counterexample): Promise<{ report: RunReport; execution: Execution }> {
  const { events, execution } = await counterexampleEvents(config, counterexample);
  const final = events.filter((event) => event.addresses).at(-1);
  const outage = Object.values(final?.addresses ?? {}).some((list) => list.length === 0);
  const report = buildRunReport(
    {
      scenario: `explored: ${counterexample.invariant}`,
      target: 'explorer',
      runId: 'explore',
      seed: EXPLORER_SEED,
      safeguards: config.safeguards,
      expected: outage ? 'outage' : 'healthy',
    },
    events,
  );
  return { report, execution };
}

/** The interleaving itself: each scheduling point, in order (times are step numbers). */
export function renderSchedule(execution: Execution): string {
  return execution.trace.map((step, i) => `${String(i + 1).padStart(4)}  ${step.actor.padEnd(8)} ${step.op}`).join('\n');
}

interface ProjectedStep {
  actor: EnactorId | typeof PLANNER;
  /** Where in the interleaving this step is decided: its first op (begin, clean-up) or its last (plan, apply). */
  position: number;
  spec: Scenario['timeline'][EnactorId][number] | Scenario['timeline']['planner'][number];
  /** The event that ended the step in the explorer; none when the counterexample stops inside the step. */
  end: RunEvent | undefined;
}

/** The events that end an Enactor's step: a step status, except inside clean-up, which only `cleaned` ends (its `refused` and `gave-up` are about one plan). */
export const endsStep = (event: RunEvent): boolean => STEP_ENDS.has(event.outcome) && (event.step !== 'cleanup' || event.outcome === 'cleaned');

/**
 * An Enactor's steps, begin, apply each endpoint, clean-up: each with its ops (their indexes in the trace) and the
 * event that ended it, the events that end a step splitting the ops.
 */
function opsByStep(config: ExplorerConfig, execution: Execution, enactor: EnactorId): { ops: number[]; end: RunEvent | undefined }[] {
  const ops = execution.trace.flatMap((step, index) => (step.actor === enactor ? [index] : []));
  const ends = execution.events.filter((event) => event.actor === enactor && endsStep(event));
  let from = 0;
  return Array.from({ length: config.endpoints + 2 }, (_, k) => {
    const end = ends[k];
    const until = end ? end.at / 1000 : Infinity;
    const own = ops.filter((index) => index >= from && index < until);
    from = until;
    return { ops: own, end };
  });
}

/** Splits each actor's ops into its domain steps, using the events that end each step. */
function projectSteps(config: ExplorerConfig, execution: Execution): ProjectedStep[] {
  const steps: ProjectedStep[] = [];
  const written = execution.events.filter((event) => event.actor === PLANNER && event.outcome === 'written');
  execution.trace
    .flatMap((step, index) => (step.actor === PLANNER ? [index] : []))
    .forEach((index, k) => steps.push({ actor: PLANNER, position: index, spec: { at: 0, do: 'plan', count: 1 }, end: written[k] }));
  for (const enactor of ENACTOR_IDS.slice(0, config.enactors)) {
    const specs: ProjectedStep['spec'][] = [
      { at: 0, do: 'begin' },
      ...endpointsOf(config).map((endpoint) => ({ at: 0, do: 'apply' as const, endpoint })),
      { at: 0, do: 'cleanup' },
    ];
    opsByStep(config, execution, enactor).forEach(({ ops: own, end }, k) => {
      if (own.length === 0) return;
      const spec = specs[k]!;
      steps.push({ actor: enactor, position: spec.do === 'apply' ? own.at(-1)! : own[0]!, spec, end });
    });
  }
  return steps.sort((a, b) => a.position - b.position);
}

/**
 * The counterexample, shrunk, then with each Enactor step's calls brought together wherever they commute with
 * the calls between them: a scenario can only order whole steps. Moving a call past calls it is independent
 * of gives the same run; the replay checks that the invariant still breaks.
 */
export async function readableCounterexample(config: ExplorerConfig, found: Counterexample): Promise<Counterexample> {
  const shrunk = await shrink(config, found);
  const { schedule } = shrunk;
  const execution = await Execution.start(config);
  const footprints: Footprint[] = [];
  for (const choice of schedule) {
    footprints.push(execution.footprint(choice));
    await execution.step(choice);
  }
  const stepOf = schedule.map((_, index) => `planner ${index}`);
  for (const enactor of ENACTOR_IDS.slice(0, config.enactors)) {
    opsByStep(config, execution, enactor).forEach(({ ops }, k) => ops.forEach((index) => (stepOf[index] = `${enactor} ${k}`)));
  }
  // From the end back: each call moves on to just before the next call of its step, if it commutes with all between.
  const order = schedule.map((_, index) => index);
  for (let at = order.length - 2; at >= 0; at--) {
    const op = order[at]!;
    const next = order.findIndex((other, position) => position > at && stepOf[other] === stepOf[op]);
    if (next <= at + 1) continue;
    if (!order.slice(at + 1, next).every((other) => independent(footprints[op]!, footprints[other]!))) continue;
    order.splice(at, 1);
    order.splice(next - 1, 0, op);
  }
  if (order.every((op, position) => op === position)) return shrunk;
  const gathered = order.map((op) => schedule[op]!);
  const { violations } = await replaySchedule(config, gathered);
  const same = violations.find((violation) => violation.invariant === shrunk.invariant);
  return same ?? shrunk;
}

const SECONDS_PER_STEP = 2;
const RACE_STARTS_AT = 3;
/** The Enactor that applies g1 before the race, as the explorer's steady state has it. */
const STEADY_ENACTOR = ENACTOR_IDS.at(-1)!;

/** What ends an Enactor's cycle before its clean-up, per step: after one of these its later steps are skipped, and record nothing. */
const CYCLE_STOPS = { begin: ['no-plan', 'up-to-date'], apply: ['stale', 'stuck', 'refused', 'gave-up'] } as const satisfies Record<string, EventOutcome[]>;
/** The outcomes with which a step lets its Enactor go on (or, for clean-up, ends its cycle). */
const STEP_GOES_ON = { begin: ['ready'], apply: ['applied', 'current'], cleanup: ['cleaned'] } as const satisfies Record<string, EventOutcome[]>;

/**
 * The gate of a step that must come after `before`, another actor's step: the event that ends `before`. A plan step
 * ends with its last generation written. An Enactor's step ends the way it went on in the explorer (its generation,
 * its endpoint), or with what stops the Enactor's cycle at it or earlier (then it and its later steps never come:
 * a replay with other safeguards than the explorer's must not wait for them in vain), or with a `failed` handler.
 * A pattern that an event of the steady state matches is left out: it would open the gate before the race.
 */
function gateAfter(before: ProjectedStep, events: readonly RunEvent[], steady: readonly RunEvent[]): EventPattern | EventPattern[] {
  const { actor, spec, end } = before;
  if (spec.do === 'plan') return { actor, step: 'plan', outcome: 'written', generation: end!.generation! };
  const step = spec.do as keyof typeof STEP_GOES_ON;
  // Cut short in the explorer: the generation it worked on, as its begin read it.
  const generation = end?.generation ?? events.find((event) => event.actor === actor && event.step === 'begin' && event.generation)?.generation;
  const [single, ...more] = STEP_GOES_ON[step];
  const goesOn: EventPattern = {
    actor,
    step,
    outcome: more.length ? [single, ...more] : single,
    ...(generation !== undefined ? { generation } : {}),
    ...(spec.do === 'apply' ? { endpoint: spec.endpoint } : {}),
  };
  const stops: EventPattern[] = [
    { actor, step: 'begin', outcome: [...CYCLE_STOPS.begin] },
    ...(step === 'begin' ? [] : [{ actor, step: 'apply' as const, outcome: [...CYCLE_STOPS.apply] }]),
    { actor, outcome: 'failed' },
  ];
  return [goesOn, ...stops].filter((pattern) => !steady.some((event) => matchesPattern(event, pattern)));
}

/**
 * A scenario that plays the counterexample's steps in its order, after a steady state (g1 applied by az-c). Each
 * step that follows another actor's step waits for that step's event (its gate), so the order holds by cause on
 * every target, whatever calls and cold starts take; the seconds, one step every two, only pace it. Interleavings
 * inside one step cannot be scripted; `racelab explore` replays the file to say whether the projection still shows
 * the violation.
 */
export async function counterexampleScenario(
  config: ExplorerConfig,
  counterexample: Counterexample,
  execution: Execution,
  expectOutcome: 'outage' | 'healthy',
): Promise<Scenario> {
  const enactors = Object.fromEntries(ENACTOR_IDS.map((id) => [id, []])) as unknown as Pick<Scenario['timeline'], EnactorId>;
  const timeline: Scenario['timeline'] = { planner: [], ...enactors, probe: [], operator: [] };
  const steady = await Execution.steadyStateEvents(config, STEADY_ENACTOR);
  // The steady state: the Planner writes g1, then the last Enactor applies it alone.
  timeline.planner.push({ at: 0, do: 'plan', count: 1 });
  timeline[STEADY_ENACTOR].push({ at: 1, do: 'run', after: { actor: PLANNER, step: 'plan', outcome: 'written', generation: 1 } });
  // The race's first step waits for the steady state's last event, its clean-up.
  let before: { actor: string; gate: EventPattern | EventPattern[] } = {
    actor: STEADY_ENACTOR,
    gate: { actor: STEADY_ENACTOR, step: 'cleanup', outcome: 'cleaned', generation: 1 },
  };
  let at = RACE_STARTS_AT;
  let previous: { at: number; do: string; count?: number } | undefined;
  for (const step of projectSteps(config, execution)) {
    // Consecutive plan writes with nothing between them become one burst, which ends with its last generation.
    if (step.actor === PLANNER && before.actor === PLANNER && previous?.do === 'plan') {
      previous.count = (previous.count ?? 1) + 1;
      before = { actor: PLANNER, gate: gateAfter(step, execution.events, steady) };
      continue;
    }
    // Only where the order crosses actors: an actor's own steps already run in order.
    const after = before.actor === step.actor ? {} : { after: before.gate };
    previous = { ...step.spec, at, ...after };
    (timeline[step.actor] as object[]).push(previous);
    before = { actor: step.actor, gate: gateAfter(step, execution.events, steady) };
    at += SECONDS_PER_STEP;
  }
  const name = `explored-${counterexample.invariant}`;
  return {
    name,
    title: `Explorer counterexample: ${INVARIANTS[counterexample.invariant]}`,
    description:
      `Found by racelab explore (${config.enactors} enactors, ${config.endpoints} endpoints, ${config.generations} generations, ` +
      `${config.retries} attempt(s), keep ${config.keepGenerations}; safeguards: ${config.safeguards.join(', ') || 'none'}): ` +
      `${counterexample.detail}. Steps are played in the interleaving's order, ${SECONDS_PER_STEP} s apart; each step that follows another ` +
      "actor's waits for that step's event.",
    endpoints: endpointsOf(config),
    loadBalancers: 2,
    seed: EXPLORER_SEED,
    // Lease 0, as in the explorer: the replay must not add back-offs the interleaving did not have.
    policy: { keepGenerations: config.keepGenerations, attemptsMax: config.retries, backoffSeconds: 1, backoffSecondsMax: 1, lockLeaseSeconds: 0 },
    faults: [],
    emptyPlans: [],
    probe: { everySeconds: 1, untilSeconds: at + 2, samples: 6 },
    timeline,
    gates: { pollSeconds: 1, pollSecondsMax: 4, timeoutSeconds: 240 },
    expect: { outcome: expectOutcome, story: [], safeguards: {}, levers: {} },
    // Calls take no virtual time: each step happens at its second, in the interleaving's order.
    latency: { callSeconds: { min: 0, max: 0 }, coldStartSeconds: 0 },
    counterexample: {
      invariant: counterexample.invariant,
      detail: counterexample.detail,
      safeguards: config.safeguards,
      bounds: {
        enactors: config.enactors,
        endpoints: config.endpoints,
        generations: config.generations,
        retries: config.retries,
        keepGenerations: config.keepGenerations,
      },
      schedule: counterexample.schedule,
    },
  };
}
