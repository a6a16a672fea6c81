// DropletWorkflow Manager (DWFM): it keeps a lease on every droplet (a
// physical host) in DynamoDB. A lease that lapses must be re-established, and
// that is heavy work: the attempts in flight share DWFM's capacity, so each
// takes longer the more there are, and an attempt that outlives its timeout
// is abandoned, its work wasted, and tried again. With few attempts in flight
// the work drains; with the whole fleet in flight at once no attempt ever
// finishes: goodput stays at zero although DynamoDB answers again, a
// metastable failure (Bronson et al., HotOS 2021). That is what the postmortem
// describes after 2:25 AM, until engineers throttled incoming work and
// restarted DWFM hosts at 4:14 AM.
//
// A tick is pure: the handler resolves the endpoint, reads the leases and the
// operator's switches, calls dwfmTick, and writes the leases back. What DWFM's
// hosts hold in memory (their queue) is the state value, carried from tick to
// tick and dropped by a restart; the leases themselves live in DynamoDB.
import { seededRandom } from '../random.ts';
import { INITIAL_CONTROLS, type CascadeLever, type CascadeSettings, type Controls } from './settings.ts';

/** Attempts started in the same second share their progress: with capacity shared evenly, they finish or time out together. */
export interface LeaseAttempts {
  droplets: number[];
  /** The scenario second the attempt started. */
  startedAt: number;
  /** Work done so far; an attempt needs 1. */
  work: number;
  /** Attempts that timed out before this one. */
  tries: number;
}

export interface DwfmState {
  /** The operator's restart count this DWFM has acted on. */
  restartsSeen: number;
  /** The operator's switches as last read (DWFM cannot read them while DynamoDB is out of reach). */
  controls: Controls;
  /** Each droplet's lease expiry (scenario second) as DWFM last read or wrote it; null when it does not know (restarted before a read). */
  known: number[] | null;
  inFlight: LeaseAttempts[];
  /** backoff-jitter: droplets waiting out a backoff before they ask again. */
  backingOff: { droplet: number; at: number; tries: number }[];
  /** The start of the tick DWFM's current collapse began in; null while it is not collapsed. */
  collapsedSince?: number | null;
}

/**
 * What DWFM's tick event says when the operators would see it: the alarms
 * the scenario's operator steps wait for (their gates), so each acts on what
 * it acted on that day, on any target and however late the race runs.
 */
export const DWFM_ALARMS = {
  leasesLapsed: 'every lease has lapsed',
  collapseOutlastedWindow: 'collapsed for the metastable window',
} as const;

/** Frozen: a tick copies what it changes, and a shared starting value must never be changed in place. */
export const INITIAL_DWFM_STATE: DwfmState = Object.freeze({
  restartsSeen: 0,
  controls: INITIAL_CONTROLS,
  known: null,
  inFlight: Object.freeze([]) as unknown as LeaseAttempts[],
  backingOff: Object.freeze([]) as unknown as DwfmState['backingOff'],
});

export interface DwfmTickInput {
  fromSecond: number;
  toSecond: number;
  /** DNS answered the endpoint's name: DWFM can reach DynamoDB for the whole tick. */
  reachable: boolean;
  /** The lease table as read this tick (reachable ticks only); undefined before any lease was written. */
  leases?: number[];
  controls: Controls;
  levers: readonly CascadeLever[];
  settings: CascadeSettings;
  seed: number;
}

/** One second of DWFM, for the series. */
export interface DwfmSecond {
  second: number;
  validLeases: number;
  /** Droplets whose lease attempt is in flight. */
  inFlight: number;
  established: number;
  timedOut: number;
}

export type DwfmPhase = 'unreachable' | 'collapsed' | 'recovering' | 'healthy';

export interface DwfmTickResult {
  state: DwfmState;
  /** The leases to write back (reachable ticks), else undefined: a write would fail like every other call. */
  leases?: number[];
  seconds: DwfmSecond[];
  phase: DwfmPhase;
  /** An alarm the operators would see (DWFM_ALARMS), on the tick it holds. */
  note?: (typeof DWFM_ALARMS)[keyof typeof DWFM_ALARMS];
  /** Droplets without a valid lease at the tick's end: the work DWFM owes. */
  backlog: number;
  established: number;
  timedOut: number;
}

/** Every lease at the start: renewals spread across one lease period, as a fleet's are. */
export function freshLeases(settings: CascadeSettings, fromSecond: number): number[] {
  return Array.from({ length: settings.droplets }, (_, i) => fromSecond + Math.ceil((settings.leaseSeconds * (i + 1)) / settings.droplets));
}

/** Whether DWFM admits by queue size this tick: the lever from the start, or the operator's throttle. */
export function admissionControlled(levers: readonly CascadeLever[], controls: Controls): boolean {
  return levers.includes('admission-control') || controls.throttled;
}

/** backoff-jitter's wait: full jitter over an exponential cap, the same for the same droplet, try and seed. */
export function backoffSeconds(settings: CascadeSettings, seed: number, droplet: number, tries: number): number {
  const cap = Math.min(settings.dwfm.backoffSecondsMax, settings.dwfm.backoffSeconds * 2 ** Math.max(0, tries - 1));
  const random = seededRandom((seed ^ Math.imul(droplet + 1, 0x9e3779b1) ^ Math.imul(tries, 0x85ebca6b)) >>> 0);
  return 1 + Math.floor(random() * cap);
}

export function dwfmTick(previous: DwfmState, input: DwfmTickInput): DwfmTickResult {
  const { settings, controls, reachable } = input;
  // A restart drops what the hosts held: their queue and what they knew of the leases.
  const restarted = controls.restarts > previous.restartsSeen;
  const state: DwfmState = restarted
    ? { restartsSeen: controls.restarts, controls, known: null, inFlight: [], backingOff: [], collapsedSince: null }
    : { ...previous, controls, inFlight: previous.inFlight.map((a) => ({ ...a, droplets: [...a.droplets] })), backingOff: [...previous.backingOff] };
  // Reachable: the table is the truth. Unreachable: what DWFM knew, or nothing (every lease then counts as lapsed).
  const leases = reachable ? [...(input.leases ?? state.known ?? freshLeases(settings, input.fromSecond))] : [...(state.known ?? [])];
  // A droplet DWFM knows no lease for counts as lapsed (expired at second 0).
  while (leases.length < settings.droplets) leases.push(0);
  const admission = admissionControlled(input.levers, controls);
  const seconds: DwfmSecond[] = [];
  for (let t = input.fromSecond; t < input.toSecond; t++) seconds.push(second(state, leases, t, reachable, admission, input));
  const end = input.toSecond;
  const valid = leases.filter((expiry) => expiry > end).length;
  const established = seconds.reduce((sum, s) => sum + s.established, 0);
  const timedOut = seconds.reduce((sum, s) => sum + s.timedOut, 0);
  const backlog = settings.droplets - valid;
  state.known = reachable || state.known ? leases : null;
  const phase = phaseOf(input, backlog, established);
  state.collapsedSince = phase === 'collapsed' ? (state.collapsedSince ?? input.fromSecond) : null;
  const note =
    phase === 'unreachable' && valid === 0
      ? DWFM_ALARMS.leasesLapsed
      : phase === 'collapsed' && input.toSecond - state.collapsedSince! >= settings.metastable.windowSeconds
        ? DWFM_ALARMS.collapseOutlastedWindow
        : undefined;
  return { state, leases: reachable ? leases : undefined, seconds, phase, ...(note ? { note } : {}), backlog, established, timedOut };
}

function phaseOf(input: DwfmTickInput, backlog: number, established: number): DwfmPhase {
  if (!input.reachable) return 'unreachable';
  if (backlog === 0) return 'healthy';
  const capacity = input.settings.dwfm.leasesPerSecond * (input.toSecond - input.fromSecond);
  return established >= input.settings.metastable.goodputFraction * capacity ? 'recovering' : 'collapsed';
}

function second(state: DwfmState, leases: number[], t: number, reachable: boolean, admission: boolean, input: DwfmTickInput): DwfmSecond {
  const { settings } = input;
  const { leaseSeconds } = settings;
  // Renewals are light (a conditional write each, batched): every valid lease in its second half, if DynamoDB answers.
  if (reachable) for (let d = 0; d < leases.length; d++) if (leases[d]! > t && leases[d]! - t <= leaseSeconds / 2) leases[d] = t + leaseSeconds;

  // Droplets whose lease lapsed ask DWFM for one, every second, unless DWFM has them already or they are backing off.
  // A mark per droplet rather than a Set: this runs every second of every tick, over the whole fleet.
  const booked = new Uint8Array(leases.length);
  for (const attempt of state.inFlight) for (const d of attempt.droplets) booked[d] = 1;
  const backedOff = state.backingOff.filter((b) => b.at > t);
  const returning = new Map(state.backingOff.filter((b) => b.at <= t).map((b) => [b.droplet, b.tries]));
  for (const b of backedOff) booked[b.droplet] = 1;
  state.backingOff = backedOff;
  const asking: number[] = [];
  for (let d = 0; d < leases.length; d++) if (leases[d]! <= t && !booked[d]) asking.push(d);
  // Admission control by queue size: while the attempts in flight fill the queue, a droplet's request is refused (it asks again).
  const queued = state.inFlight.reduce((sum, a) => sum + a.droplets.length, 0);
  const admitted = admission ? asking.slice(0, Math.max(0, settings.dwfm.queueMax - queued)) : asking;
  const byTries = new Map<number, number[]>();
  for (const d of admitted) {
    const tries = returning.get(d) ?? 0;
    const group = byTries.get(tries);
    if (group) group.push(d);
    else byTries.set(tries, [d]);
  }
  for (const [tries, droplets] of [...byTries].sort(([a], [b]) => a - b)) state.inFlight.push({ droplets, startedAt: t, work: 0, tries });

  // The attempts in flight share the capacity; without DynamoDB every call fails at once and the attempt starts over.
  const inFlight = state.inFlight.reduce((sum, a) => sum + a.droplets.length, 0);
  let established = 0;
  let timedOut = 0;
  const still: LeaseAttempts[] = [];
  for (const attempt of state.inFlight) {
    if (!reachable) {
      still.push({ ...attempt, startedAt: t + 1, work: 0 });
      continue;
    }
    attempt.work += settings.dwfm.leasesPerSecond / inFlight;
    if (attempt.work >= 1 - 1e-9) {
      for (const d of attempt.droplets) leases[d] = t + 1 + leaseSeconds;
      established += attempt.droplets.length;
    } else if (t + 1 - attempt.startedAt >= settings.dwfm.attemptTimeoutSeconds) {
      timedOut += attempt.droplets.length;
      if (input.levers.includes('backoff-jitter')) {
        for (const d of attempt.droplets)
          state.backingOff.push({ droplet: d, at: t + 1 + backoffSeconds(settings, input.seed, d, attempt.tries + 1), tries: attempt.tries + 1 });
      } else {
        // Queued again at once, and its work starts over: the wasted work of a collapse.
        still.push({ ...attempt, startedAt: t + 1, work: 0, tries: attempt.tries + 1 });
      }
    } else still.push(attempt);
  }
  state.inFlight = still;
  let valid = 0;
  for (const expiry of leases) if (expiry > t + 1) valid++;
  return { second: t, validLeases: valid, inFlight, established, timedOut };
}
