// The judge of the exercise stabilize: DWFM's code as the trainee left it, run
// by simulateCascade over many seeded outages and fleets, with no lever and no
// operator but the DNS repair (DNS answers nothing for a while, then answers
// again). No case may be metastable, and every droplet must hold a lease again
// within a bound after DNS returns; while DNS answers no renewal may be lost,
// and no lease may come back without an attempt's work. Every figure judged is
// read from the leases DWFM writes (the table), not from what DWFM reports of
// itself, so a change cannot pass by reporting differently. The simulation is
// passed in: verify runs the trainee's code, the tests the lab's own.
import type { CascadeTickResults } from '../lambdas/core/cascade/chain.ts';
import type { DwfmSecond } from '../lambdas/core/cascade/dwfm.ts';
import type { CascadeLever, CascadeSettings } from '../lambdas/core/cascade/settings.ts';
import type { CascadeScript } from '../lambdas/core/cascade/simulate.ts';
import { judgeCascade, tickRecord, type CascadeTickRecord, type CascadeVerdict } from '../lambdas/core/cascade/verdict.ts';
import { randomInt, seededRandom } from '../lambdas/core/random.ts';
import { check, type VerifyResult } from './exercise-model.ts';

export type Simulate = (script: CascadeScript) => unknown;

/** One outage: DNS answers nothing from `lostAt` (a tick's start) until `backAt`, then answers to the end. */
export interface StabilizeCase {
  /** 1-based, as the messages name it (`--answer case=N` runs it alone). */
  number: number;
  /** The run's seed: what a seeded choice in DWFM's code draws from. */
  seed: number;
  droplets: number;
  lostAt: number;
  backAt: number;
}

export const CASE_COUNT = 50;
const CASES_SEED = 2025;
export const FLEET = { min: 1000, max: 3000 } as const;
/** Outages of 3 to 25 ticks (30 to 250 s at 10 s): from one that lapses some leases to four lease periods. */
const OUTAGE_TICKS = { min: 3, max: 25 };
/**
 * The bound on re-leasing every droplet after DNS returns: 1.5 × droplets ÷ leasesPerSecond + 20 s. Draining the
 * whole fleet at full capacity takes droplets ÷ leasesPerSecond; the shipped admission-control lever does it within a
 * tick of that in every case (70 s of the 120 s bound at 1,000 droplets, 200 s of 320 s at 2,991), so half again plus
 * two ticks passes any limit from a tenth of capacity × timeout up to all of it, and nothing that collapses.
 */
export const BOUND = { perLease: 1.5, plusSeconds: 20 } as const;

export function boundSeconds(settings: CascadeSettings, droplets: number): number {
  return Math.ceil((BOUND.perLease * droplets) / settings.dwfm.leasesPerSecond) + BOUND.plusSeconds;
}

/** The most attempts in flight that still finish within the timeout: n in flight each get leasesPerSecond ÷ n of a lease a second. */
export function finishableInFlight(settings: CascadeSettings): number {
  return settings.dwfm.leasesPerSecond * settings.dwfm.attemptTimeoutSeconds;
}

/** Case 1 is oct-2025-cascade's day (1,000 droplets, DNS out from the race to the repair); the rest are drawn from one seed. */
export function stabilizeCases(settings: CascadeSettings): StabilizeCase[] {
  const random = seededRandom(CASES_SEED);
  const tick = settings.tickSeconds;
  const cases: StabilizeCase[] = [{ number: 1, seed: CASES_SEED, droplets: settings.droplets, lostAt: 20, backAt: 180 }];
  for (let number = 2; number <= CASE_COUNT; number++) {
    const lostAt = settings.startSeconds + tick * randomInt(random, 1, 9);
    const backAt = lostAt + tick * randomInt(random, OUTAGE_TICKS.min, OUTAGE_TICKS.max);
    cases.push({ number, seed: randomInt(random, 1, 2 ** 31 - 1), droplets: randomInt(random, FLEET.min, FLEET.max), lostAt, backAt });
  }
  return cases;
}

const count = (n: number) => Math.round(n).toLocaleString('en');
const percent = (share: number) => `${Math.round(share * 100)} %`;

export function describeCase(c: StabilizeCase): string {
  return `case ${c.number} of ${CASE_COUNT} (seed ${c.seed}, ${count(c.droplets)} droplets, DNS out from +${c.lostAt} s to +${c.backAt} s)`;
}

const NO_SWITCHES = { throttled: false, failoverDisabled: false, restarts: 0 };

/** Long enough for the bound, then a lease period more: a lease re-established must also be renewed. */
function caseSettings(settings: CascadeSettings, c: StabilizeCase): CascadeSettings {
  const until = c.backAt + boundSeconds(settings, c.droplets) + settings.leaseSeconds;
  return { ...settings, droplets: c.droplets, untilSeconds: Math.ceil(until / settings.tickSeconds) * settings.tickSeconds };
}

/** What a run broke, each the first time it happened. */
interface Broken {
  /** A tick with DynamoDB in reach that wrote no leases, or one without it that did (every call fails then). */
  write?: string;
  /** A lease valid at a tick's start, DNS answering, lapsed at its end: a renewal lost. */
  renewal?: { second: number; droplet: number };
  /** More leases came back in a tick than attempts finished in it. */
  forFree?: { second: number; gained: number; established: number };
  /** Since DNS last came back, more leases re-established than DWFM's capacity allows. */
  overCapacity?: { second: number; established: number; capacity: number };
  /** A lease written to last longer than leaseSeconds. */
  tooLong?: { second: number; droplet: number; expiry: number };
}

interface CaseRun {
  c: StabilizeCase;
  settings: CascadeSettings;
  /** The lab's verdict (lambdas/core/cascade/verdict.ts) on DWFM's ticks as the table has them. */
  verdict: CascadeVerdict;
  /** The end of the first tick at or after DNS's return when every droplet held a lease; null if none did in the run. */
  leasedAgainAt: number | null;
  /** DWFM's seconds as it reports them: only for a message's figures. */
  seconds: DwfmSecond[];
  ticks: { second: number; phase: string; valid: number; established: number; timedOut: number; inFlight: number }[];
  broken: Broken;
}

/** The case on `base` (caseSettings, or the healthy run's), with the shipped levers' settings changed by `dwfm`. */
function runCase(simulate: Simulate, base: CascadeSettings, c: StabilizeCase, levers: readonly CascadeLever[], dwfm: Partial<CascadeSettings['dwfm']> = {}) {
  const settings = { ...base, dwfm: { ...base.dwfm, ...dwfm } };
  const reachable = (second: number) => second < c.lostAt || second >= c.backAt;
  const broken: Broken = {};
  const run: Omit<CaseRun, 'verdict'> = { c, settings, leasedAgainAt: null, seconds: [], ticks: [], broken };
  const records: CascadeTickRecord[] = [];
  let table: number[] | undefined;
  let stretch = { from: settings.startSeconds, established: 0 };
  const tick = (from: number, results: CascadeTickResults) => {
    const to = Math.min(from + settings.tickSeconds, settings.untilSeconds);
    const up = reachable(from);
    const written = results.dwfm.leases && [...results.dwfm.leases];
    run.seconds.push(...results.dwfm.seconds);
    if (up !== Boolean(written))
      broken.write ??= `at +${from} s DWFM ${up ? 'wrote no leases, though DynamoDB answered' : 'wrote leases while DynamoDB was out of reach'}`;
    let gained = 0;
    if (up && written) {
      if (!reachable(from - settings.tickSeconds)) stretch = { from, established: 0 };
      stretch.established += results.dwfm.established;
      for (let d = 0; d < c.droplets; d++) {
        const before = table?.[d];
        const after = written[d] ?? 0;
        // The unmodified code renews every valid lease in its second half while DynamoDB answers, so none lapses: the baseline.
        if (before !== undefined && before > from && after <= to) broken.renewal ??= { second: to, droplet: d };
        if (before !== undefined && before <= from && after > to) gained += 1;
        if (after > to + settings.leaseSeconds) broken.tooLong ??= { second: to, droplet: d, expiry: after };
      }
      // A lapsed lease comes back only by an attempt that finished; the attempts share leasesPerSecond, a lease's work each.
      if (gained > results.dwfm.established) broken.forFree ??= { second: to, gained, established: results.dwfm.established };
      const capacity = settings.dwfm.leasesPerSecond * (to - stretch.from);
      if (stretch.established > capacity + 1e-6) broken.overCapacity ??= { second: to, established: stretch.established, capacity };
      table = written;
    }
    let valid = 0;
    for (let d = 0; d < c.droplets; d++) if ((table?.[d] ?? 0) > to) valid += 1;
    if (up && run.leasedAgainAt === null && from >= c.backAt && valid === c.droplets) run.leasedAgainAt = to;
    const { phase, established, timedOut, seconds } = results.dwfm;
    run.ticks.push({ second: from, phase, valid, established, timedOut, inFlight: seconds.at(-1)?.inFlight ?? 0 });
    // The verdict on the table's truth: the phase from DNS, the backlog from the leases, goodput from leases that came back.
    const record = tickRecord(from, results);
    const backlog = c.droplets - valid;
    const truth = {
      ...record.dwfm,
      phase: up ? (backlog ? 'recovering' : 'healthy') : 'unreachable',
      validLeases: valid,
      backlog,
      established: gained,
    } as const;
    records.push({ ...record, dwfm: truth });
  };
  simulate({ settings, reachable, controls: () => NO_SWITCHES, levers, seed: c.seed, onTick: tick });
  return { ...run, verdict: judgeCascade(records, settings) } satisfies CaseRun;
}

/** DWFM's own figures over seconds [from, until): what the attempts in flight did. */
function windowOf(run: CaseRun, from: number, until: number) {
  const inside = run.seconds.filter((s) => s.second >= from && s.second < until);
  return {
    peakInFlight: Math.max(0, ...inside.map((s) => s.inFlight)),
    timedOut: inside.reduce((sum, s) => sum + s.timedOut, 0),
  };
}

/** Why retrying harder cannot end a collapse. */
function whyRetryingHarderFails(settings: CascadeSettings): string {
  const { leasesPerSecond, attemptTimeoutSeconds } = settings.dwfm;
  return (
    'Retrying harder (a shorter timeout, sooner retries, a larger limit) only puts more attempts in flight on the same capacity: each ' +
    `takes longer, more time out and start over, and the collapse lasts as long as more than ${count(finishableInFlight(settings))} ` +
    `(${leasesPerSecond} leases/s × ${attemptTimeoutSeconds} s timeout) are in flight`
  );
}

/** The attempts in flight over a window, and what that meant for each one's time. */
function inFlightFigures(settings: CascadeSettings, window: ReturnType<typeof windowOf>): string {
  const { leasesPerSecond, attemptTimeoutSeconds } = settings.dwfm;
  const needs = window.peakInFlight / leasesPerSecond;
  return (
    `up to ${count(window.peakInFlight)} attempts were in flight, sharing DWFM's ${leasesPerSecond} leases a second, so each needed ` +
    `${needs < 10 ? needs.toFixed(1) : count(needs)} s against its ${attemptTimeoutSeconds} s timeout; ${count(window.timedOut)} timed out and started ` +
    'over, their work wasted'
  );
}

const reproduce = (c: StabilizeCase) => `(racelab exercise verify stabilize --answer case=${c.number} runs it alone, tick by tick)`;

/** The case's verdict as one check: not metastable, and every droplet leased again within the bound. */
function recoveryCheck(run: CaseRun): { ok: boolean; says: string; recoverySeconds: number | null } {
  const { c, settings, verdict, leasedAgainAt } = run;
  const bound = boundSeconds(settings, c.droplets);
  const recoverySeconds = leasedAgainAt === null ? null : leasedAgainAt - c.backAt;
  const leased =
    leasedAgainAt === null
      ? `not every droplet had a lease again by the run's end (+${settings.untilSeconds} s)`
      : `every droplet had a lease again only at +${leasedAgainAt} s, ${recoverySeconds} s after DNS came back`;
  if (verdict.metastable) {
    const { windowSeconds, goodputFraction } = settings.metastable;
    const window = windowOf(run, c.backAt, c.backAt + windowSeconds);
    return {
      ok: false,
      recoverySeconds,
      says:
        `${describeCase(c)} is metastable: in the ${windowSeconds} s after DNS came back at +${c.backAt} s, ${inFlightFigures(settings, window)}; ` +
        `goodput was ${percent(verdict.goodputAfterDns ?? 0)} of capacity (the verdict wants ${percent(goodputFraction)}), and ${leased}. ` +
        `${whyRetryingHarderFails(settings)} ${reproduce(c)}`,
    };
  }
  if (recoverySeconds === null || recoverySeconds > bound) {
    const window = windowOf(run, c.backAt, c.backAt + bound);
    const established = run.ticks.filter((t) => t.second >= c.backAt && t.second < c.backAt + bound).reduce((sum, t) => sum + t.established, 0);
    const goodput = established / (settings.dwfm.leasesPerSecond * bound);
    const why =
      window.peakInFlight > finishableInFlight(settings)
        ? `Over that time ${inFlightFigures(settings, window)}. ${whyRetryingHarderFails(settings)}`
        : `At most ${count(window.peakInFlight)} attempts were in flight, and goodput was ${percent(goodput)} of capacity: DWFM idled. Admit more, ` +
          `up to what finishes within the timeout (${count(finishableInFlight(settings))} in flight)`;
    return { ok: false, recoverySeconds, says: `${describeCase(c)}: ${leased}; the bound is ${bound} s. ${why}. ${reproduce(c)}` };
  }
  return { ok: true, recoverySeconds, says: `${describeCase(c)}: every droplet leased again ${recoverySeconds} s after DNS came back (bound ${bound} s)` };
}

/** What a run broke, as a sentence; undefined when nothing. */
function brokenSays(run: CaseRun): string | undefined {
  const { c, broken, settings } = run;
  const where = describeCase(c);
  if (broken.write) return `${where}: ${broken.write}`;
  if (broken.renewal)
    return `${where}: droplet ${broken.renewal.droplet}'s lease was valid, DNS answering, and had lapsed by +${broken.renewal.second} s: a renewal was lost`;
  if (broken.forFree) {
    const { second, gained, established } = broken.forFree;
    return (
      `${where}: in the tick to +${second} s, ${count(gained)} lapsed leases came back but ${count(established)} attempts finished: ` +
      'a lease comes back only by an attempt'
    );
  }
  if (broken.overCapacity) {
    const { second, established, capacity } = broken.overCapacity;
    return (
      `${where}: by +${second} s DWFM had re-established ${count(established)} leases since DNS came back, more than its capacity ` +
      `(${settings.dwfm.leasesPerSecond} a second, ${count(capacity)}): the attempts in flight share it, they cannot each have it`
    );
  }
  if (broken.tooLong) {
    const { second, droplet, expiry } = broken.tooLong;
    return `${where}: at +${second} s droplet ${droplet}'s lease was written to last until +${expiry} s, past the lease's ${settings.leaseSeconds} s`;
  }
  return undefined;
}

/**
 * Whether the shipped levers are what stabilizes DWFM, judged by behaviour, not by the text of the change: the cases
 * run again with the settings only those levers read (queueMax: admission-control and the operator's throttle;
 * backoffSeconds and backoffSecondsMax: backoff-jitter) set far from the scenario's. A change that switches a lever on,
 * however it does it (a lever pushed onto the list, `admission = true`, the throttle forced), runs differently; one
 * with a limit of its own does not. A run that differs from itself is refused too: a random choice must come from the seed.
 */
function shippedLeverCheck(simulate: Simulate, settings: CascadeSettings, cases: StabilizeCase[], levers: readonly CascadeLever[]) {
  const series = (run: CaseRun) => JSON.stringify(run.ticks);
  const tweaks = [
    { lever: 'admission-control', setting: 'dwfm.queueMax', dwfm: { queueMax: 1 } },
    { lever: 'backoff-jitter', setting: 'dwfm.backoffSeconds and backoffSecondsMax', dwfm: { backoffSeconds: 1, backoffSecondsMax: 1 } },
  ] as const;
  for (const c of cases) {
    const plain = series(runCase(simulate, caseSettings(settings, c), c, levers));
    for (const tweak of tweaks) {
      if (series(runCase(simulate, caseSettings(settings, c), c, levers, tweak.dwfm)) === plain) continue;
      if (series(runCase(simulate, caseSettings(settings, c), c, levers)) !== plain)
        return check(false, `${describeCase(c)} ran differently twice with the same seed: draw any random choice from the tick's seed (seededRandom)`);
      return check(
        false,
        `your change runs the shipped ${tweak.lever} lever: ${describeCase(c)} changes with ${tweak.setting}, which only that lever reads. ` +
          "Write the admission control yourself, in DWFM's code, with a limit of your own",
      );
    }
  }
  return check(true, `no shipped lever does it: ${cases.map((c) => `case ${c.number}`).join(' and ')} run the same with their settings changed`);
}

/** With DNS answering throughout, the largest fleet keeps every lease for five lease periods, as the unmodified code keeps them. */
function healthyCheck(simulate: Simulate, settings: CascadeSettings, levers: readonly CascadeLever[]) {
  const until = settings.startSeconds + 5 * settings.leaseSeconds;
  const c: StabilizeCase = { number: 0, seed: CASES_SEED, droplets: FLEET.max, lostAt: Infinity, backAt: Infinity };
  const run = runCase(simulate, { ...settings, droplets: c.droplets, untilSeconds: until }, c, levers);
  const short = run.ticks.find((t) => t.valid !== c.droplets);
  const broken = run.broken.write ?? (run.broken.renewal && `at +${run.broken.renewal.second} s a renewal was lost`);
  const says = short
    ? `at +${short.second + settings.tickSeconds} s only ${count(short.valid)} held one: your change holds back renewals`
    : (broken ?? `they do, for ${until - settings.startSeconds} s`);
  return check(!short && !broken, `with DNS answering throughout, ${count(c.droplets)} droplets keep every lease, as the unmodified code keeps them: ${says}`);
}

export interface JudgeOptions {
  simulate: Simulate;
  /** oct-2025-cascade's `cascade` section. */
  settings: CascadeSettings;
  /** The levers the runs switch on: none for a trainee; the tests switch on the shipped ones to measure the bound. */
  levers?: readonly CascadeLever[];
  /** `--answer case=N`: that case alone, tick by tick. */
  only?: number;
}

export function judgeStabilize({ simulate, settings, levers = [], only }: JudgeOptions): VerifyResult['checks'] {
  try {
    const cases = stabilizeCases(settings);
    if (only !== undefined) return oneCase(simulate, settings, levers, cases, only);
    // A shipped lever is refused whatever the cases would show: the exercise is to write the admission control.
    const lever = shippedLeverCheck(simulate, settings, cases.slice(0, 2), levers);
    if (!lever.ok) return [lever];
    return [lever, ...judgeRecovery(simulate, settings, levers)];
  } catch (error) {
    const where = (error as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(error);
    return [check(false, `DWFM threw while the cascade ran: ${where}`)];
  }
}

/** The recovery half of the judge: the healthy run, then every case until one fails. */
export function judgeRecovery(simulate: Simulate, settings: CascadeSettings, levers: readonly CascadeLever[] = []): VerifyResult['checks'] {
  const cases = stabilizeCases(settings);
  const checks = [healthyCheck(simulate, settings, levers)];
  let slowest: { c: StabilizeCase; share: number; seconds: number } | undefined;
  for (const c of cases) {
    const run = runCase(simulate, caseSettings(settings, c), c, levers);
    const broken = brokenSays(run);
    const recovery = recoveryCheck(run);
    // Verify stops at the first failing case: that one is the trainee's to reproduce.
    if (broken) return [...checks, check(false, broken)];
    if (!recovery.ok) return [...checks, recovery];
    const share = recovery.recoverySeconds! / boundSeconds(settings, c.droplets);
    if (!slowest || share > slowest.share) slowest = { c, share, seconds: recovery.recoverySeconds! };
  }
  const { c, seconds } = slowest!;
  return [
    ...checks,
    check(
      true,
      `${cases.length} outages, fleets of ${count(FLEET.min)} to ${count(FLEET.max)}: none metastable, no renewal lost, no lease without its work, ` +
        `every droplet leased again within ${BOUND.perLease} × droplets ÷ ${settings.dwfm.leasesPerSecond} + ${BOUND.plusSeconds} s of DNS's return ` +
        `(closest to it: case ${c.number}, ${count(c.droplets)} droplets, ${seconds} s of its ${boundSeconds(settings, c.droplets)} s)`,
    ),
  ];
}

/** One case's outcome, judged as verify judges it: for the tests that measure what the shipped levers achieve. */
export function caseOutcome(simulate: Simulate, settings: CascadeSettings, c: StabilizeCase, levers: readonly CascadeLever[] = []) {
  const run = runCase(simulate, caseSettings(settings, c), c, levers);
  return { metastable: run.verdict.metastable, recoverySeconds: recoveryCheck(run).recoverySeconds, broken: brokenSays(run) };
}

/** `--answer case=N`: the case's verdict and its DWFM ticks, to see what the code does; never a pass. */
function oneCase(simulate: Simulate, settings: CascadeSettings, levers: readonly CascadeLever[], cases: StabilizeCase[], number: number) {
  const c = cases.find((item) => item.number === number);
  if (!c) return [check(false, `case=${number}: the cases are 1 to ${cases.length}`)];
  const run = runCase(simulate, caseSettings(settings, c), c, levers);
  const broken = brokenSays(run);
  const ticks = run.ticks.map(
    (t) =>
      `+${t.second} s ${t.phase}: ${count(t.inFlight)} in flight, ${count(t.established)} established, ${count(t.timedOut)} timed out, ` +
      `${count(t.valid)} of ${count(c.droplets)} leased`,
  );
  return [
    ...(broken ? [check(false, broken)] : []),
    check(recoveryCheck(run).ok, recoveryCheck(run).says),
    check(true, `DWFM tick by tick (each tick's start; its figures as DWFM reports them, the leases as it wrote them):\n  ${ticks.join('\n  ')}`),
    check(false, `only case ${number} ran: verify without --answer case judges all ${cases.length}`),
  ];
}
