// The run as a sequence diagram: who did what to whom, in time order. One
// model for the page's SVG (sequence-svg.ts) and for Mermaid
// (sequence-mermaid.ts): the Planner writes plans to DynamoDB, an Enactor
// sends its change batches to Route 53 (and loses the lock there, and tries
// again), the clean-up deletes trees from Route 53 and rows from DynamoDB, the
// probe asks DNS; what an actor notes to itself (a clean-up's summary, a
// cascade subsystem's phase) is a note on its lane.
import { CASCADE_ACTORS, ENACTOR_IDS, EVENT_ACTORS, RUNNER, type CascadeActor, type RunEvent } from '../lambdas/core/events.ts';
import type { RunReport } from '../scenario/run-report.ts';
import { ROW_ONLY } from './race-moments.ts';

type TimedEvent = RunEvent & { atSeconds: number };

/** A lane: `id` names it in Mermaid (letters and digits: Mermaid reads a hyphen as the start of an arrow), `name` is shown. */
export interface Participant {
  id: string;
  name: string;
}

/** How a step went: a write that landed, one refused or lost (a retry), or a step the story turns on going wrong. */
export type Tone = 'ok' | 'retry' | 'bad';

export type SequenceStep = { atSeconds: number; label: string; tone: Tone; outcome: string } & (
  { kind: 'message'; from: string; to: string; /** It did not land: refused, lost, stuck. */ failed: boolean } | { kind: 'note'; over: string }
);

export interface Sequence {
  participants: Participant[];
  steps: SequenceStep[];
}

/** The services the actors act on. */
const DYNAMODB: Participant = { id: 'dynamodb', name: 'DynamoDB' };
const ROUTE53: Participant = { id: 'route53', name: 'Route 53' };

const actor = (name: string): Participant => ({ id: name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()), name });

/** Left to right: the runner, the Planner and its table, the Enactors and the zone they write, the probe that reads it, the cascade, the operator. */
const LANES: readonly Participant[] = [
  actor(RUNNER),
  actor('planner'),
  DYNAMODB,
  ...ENACTOR_IDS.map(actor),
  ROUTE53,
  ...EVENT_ACTORS.filter((name) => !['planner', ...ENACTOR_IDS].includes(name)).map(actor),
];

const laneOf = (name: string): Participant | undefined => LANES.find((lane) => lane.name === name);
const ACTORS: readonly string[] = [RUNNER, ...EVENT_ACTORS];

/** Actors that record the same reading again and again (the periodic probe, the cascade's ticks): a step only when it changes. */
const PERIODIC: readonly string[] = ['probe', ...CASCADE_ACTORS];

/** Events worth a step: each actor's steps, every retry among them, but a periodic reading only when it changes. */
export function keyEvents(report: RunReport): TimedEvent[] {
  const last = new Map<string, string>();
  return report.events.filter((event) => {
    if (!ACTORS.includes(event.actor)) return false;
    if (!PERIODIC.includes(event.actor)) return true;
    const changed = event.outcome !== last.get(event.actor); // it matters when what it reads changes
    last.set(event.actor, event.outcome);
    return changed;
  });
}

/** A cascade tick's figures in words: a note says what the subsystem's phase changed to and where it stood, not that a tick ran. */
const TICK_WORDS: Record<CascadeActor, { figures: string[]; words: (f: Record<string, number>) => string }> = {
  dwfm: { figures: ['validLeases', 'backlog'], words: (f) => `${f.validLeases} valid leases, ${f.backlog} owed` },
  launcher: { figures: ['launched', 'requested'], words: (f) => `${f.launched} of ${f.requested} launches` },
  network: { figures: ['delaySeconds'], words: (f) => `${f.delaySeconds}s to connectivity` },
  // Words, not %: Mermaid's labels would show the sign as an entity code.
  nlb: { figures: ['capacity'], words: (f) => `${Math.round(f.capacity! * 100)} percent of nodes in service` },
};

/** An event in words, as its step says it: "apply applied g2 dynamodb.us-east-1: over g6". */
export function describe(event: TimedEvent): string {
  const tick = event.step === 'tick' && (CASCADE_ACTORS as readonly string[]).includes(event.actor) ? TICK_WORDS[event.actor as CascadeActor] : undefined;
  // A saved run may have been edited: a figure missing leaves the note with the phase alone. A tick's detail is its
  // note (an alarm, a recovery), which the operator's gates wait for: it follows the figures.
  if (tick && event.metrics) {
    const metrics = event.metrics;
    const note = event.detail ? ` (${event.detail})` : '';
    return `${tick.figures.every((name) => metrics[name] !== undefined) ? `${event.outcome}: ${tick.words(metrics)}` : event.outcome}${note}`;
  }
  const generation = event.generation === undefined ? '' : ` g${event.generation}`;
  const endpoint = event.endpoint ? ` ${event.endpoint}` : '';
  const detail = event.addresses ? '' : event.detail ? `: ${event.detail}` : '';
  return `${event.step} ${event.outcome}${generation}${endpoint}${detail}`;
}

/** Where an operator's step lands: the DNS repair on Route 53, a restart on DWFM, failover on the NLB; a throttle (DWFM and EC2) is a note. */
const OPERATOR_TARGETS: Record<string, string> = { repaired: ROUTE53.name, restarted: 'dwfm', 'failover-disabled': 'nlb', 'failover-enabled': 'nlb' };

/** Whom an event's step acts on; none for what an actor notes to itself. */
function targetOf(event: TimedEvent): string | undefined {
  const enactor = (ENACTOR_IDS as readonly string[]).includes(event.actor);
  if (event.actor === 'planner' && event.step === 'plan') return DYNAMODB.name;
  if (enactor && event.step === 'begin') return DYNAMODB.name;
  if (enactor && event.step === 'apply') return ROUTE53.name;
  if (enactor && event.step === 'cleanup' && event.outcome === 'deleted') return ROW_ONLY.test(event.detail ?? '') ? DYNAMODB.name : ROUTE53.name;
  if (event.actor === 'probe') return ROUTE53.name;
  if (event.actor === 'operator') return OPERATOR_TARGETS[event.outcome];
  return undefined;
}

const BAD = ['stuck', 'deleted', 'empty', 'gave-up', 'failed'];
const NOT_LANDED = ['retry', 'stale', 'refused', 'stuck', 'gave-up', 'failed'];

export function sequenceOf(report: RunReport): Sequence {
  const steps = keyEvents(report).map((event): SequenceStep => {
    const common = {
      atSeconds: event.atSeconds,
      label: describe(event),
      tone: (BAD.includes(event.outcome) ? 'bad' : event.outcome === 'retry' ? 'retry' : 'ok') as Tone,
      outcome: event.outcome,
    };
    const target = targetOf(event);
    const from = laneOf(event.actor)!.id;
    return target === undefined
      ? { ...common, kind: 'note', over: from }
      : { ...common, kind: 'message', from, to: laneOf(target)!.id, failed: NOT_LANDED.includes(event.outcome) };
  });
  const used = new Set(steps.flatMap((step) => (step.kind === 'note' ? [step.over] : [step.from, step.to])));
  return { participants: LANES.filter((lane) => used.has(lane.id)), steps };
}
