// The exercises whose answer is a change to the code: fix (close the race),
// recover (make the automation repair itself) and stabilize (end DWFM's
// collapse). Verify judges the trainee's own working tree: what changed since
// `exercise start` (git), then the change's behaviour: for fix and recover the
// explorer, run on that code with no safeguard, over every interleaving at each
// bound set `racelab check` proves a change at (explorer/config.ts,
// CHECK_BOUND_SETS); for stabilize the cascade, over many outages (stabilize.ts).
import type { InvariantName } from '../explorer/invariant-names.ts';
import { changeChecks } from './change-checks.ts';
import { check, result, type ChangeRules, type Exercise, type VerifyInput, type VerifyResult } from './exercise-model.ts';
import { replayOutage } from './outage-replay.ts';

/**
 * The Enactor and its clean-up: what fix and recover ask to change (its moves, its clean-up's, its state value's
 * type). New files beside them are allowed too. Not the driver: the explorer drives the moves with its own.
 */
const ENACTOR: ChangeRules = {
  changeable: ['enactor.ts', 'enactor-state.ts', 'enactor-types.ts', 'endpoint-state.ts', 'staleness.ts', 'cleanup.ts', 'dns-tree.ts'].map(
    (file) => `lambdas/core/${file}`,
  ),
  newFilesIn: 'lambdas/core',
  what: 'the Enactor and its clean-up',
  changed: 'the Enactor or its clean-up',
  // Switching one on from the domain means importing it (judged by module resolution, whatever the path's spelling), or
  // naming it (self-heal is also an event outcome, so not a name to refuse).
  shipped: {
    pattern: /['"`](write-time-check|protect-active|never-empty|recheck-each-endpoint)['"`]/,
    modules: /^lambdas\/core\/safeguards\//,
    used: 'your change uses a shipped safeguard: write it yourself',
    unused: 'no shipped safeguard switched on',
  },
  stateValue: 'keep what the Enactor carries in its state value (lambdas/core/enactor-state.ts)',
  whose: "the Enactor's",
};

/**
 * DWFM: what stabilize asks to change. Its other subsystems, the chain and the simulation stay as shipped: the
 * judge runs them. A lever named in the added lines is refused here, so the message can say so plainly; the judge
 * also refuses any run that changes with the levers' own settings (stabilize.ts, shippedLeverCheck), which catches
 * a lever switched on without its name (the throttle forced, `admission = true`). The text alone would miss those,
 * and a rule on calls (admissionControlled) would refuse an edit of the line that makes it.
 */
const DWFM: ChangeRules = {
  changeable: ['lambdas/core/cascade/dwfm.ts'],
  newFilesIn: 'lambdas/core/cascade',
  what: 'DWFM',
  changed: 'DWFM',
  shipped: {
    pattern: /['"`](admission-control|backoff-jitter)['"`]/,
    used: "your change switches on a shipped lever (admission-control or backoff-jitter): write the admission control yourself, in DWFM's code",
    unused: 'no shipped lever named',
  },
  stateValue: "keep what DWFM's hosts hold in its state value (DwfmState): a Lambda's module variables do not last from tick to tick",
  whose: "DWFM's",
};

/**
 * The explorer on the trainee's code with no safeguard, at every bound set `racelab check` proves a change at,
 * side by side on the cores as check searches them: which invariants some interleaving breaks, with the first
 * set's counterexample for each.
 */
async function exploreWithoutSafeguards(stopOn: InvariantName[]) {
  const { CHANGED_CODE_LIMITS, CHECK_BOUND_SETS, describeBounds } = await import('../explorer/config.ts');
  const { searchAll } = await import('../explorer/matrix-pool.ts');
  const found = await searchAll(
    CHECK_BOUND_SETS.map((bounds) => ({ ...bounds, safeguards: [] })),
    { plan: { seed: 1 }, limits: { stopOn, ...CHANGED_CODE_LIMITS } },
  );
  const violations: (typeof found)[number]['violations'] = {};
  for (const set of found) {
    for (const [name, counterexample] of Object.entries(set.violations) as [InvariantName, (typeof violations)[InvariantName]][]) {
      violations[name] ??= counterexample;
    }
  }
  const complete = found.length === CHECK_BOUND_SETS.length && found.every((set) => set.complete);
  const bounds = CHECK_BOUND_SETS.map(describeBounds).join(', and at ');
  const holds = (name: InvariantName) => {
    const violation = violations[name];
    return check(!violation, `${name}: ${violation ? `violated: ${violation.detail} (racelab check --invariant ${name} shows how)` : 'holds'}`);
  };
  return { violations, holds, covered: check(complete, `the search covered every interleaving at ${bounds}`) };
}

/** oct-2025 replayed on the trainee's code with no safeguard. */
async function replayOnChangedCode() {
  const { run, report } = await replayOutage('exercise-replay');
  const failed = run.failure ? ` (the run failed: ${run.failure.error})` : '';
  return { report, failed, wentEmpty: report.endpoints.some((endpoint) => endpoint.firstEmptyAtSeconds !== null) };
}

/**
 * The change checks, then the judge if they pass (or always, for a look that can never pass: stabilize's --answer case).
 * What the judge throws is the changed code's doing (the lab's own code passes its tests): a failed check, never a crash.
 */
async function verifyChange(input: VerifyInput, rules: ChangeRules, judge: () => Promise<VerifyResult['checks']>, always = false): Promise<VerifyResult> {
  const checks = await changeChecks(input, rules);
  if (!always && checks.some((item) => !item.ok)) return result(checks);
  const judged = await judge().catch((error: unknown) => [
    check(false, `no-crash: violated: the judge stopped, since your code threw: ${error instanceof Error ? error.message : String(error)}`),
  ]);
  return result([...checks, ...judged]);
}

const fix: Exercise = {
  id: 'fix',
  rules: ENACTOR,
  title: 'Fix: close the race in the Enactor itself',
  goal: 'Change the Enactor or its clean-up in lambdas/core so the race is closed with none of the shipped safeguards switched on.',
  context:
    "The outage needs a stale write: an Enactor whose one check was made at its start writes an old plan over a newer one. The lab's own " +
    'fix is the write-time-check safeguard; write yours in the domain code, without it.',
  use: 'lambdas/core/enactor.ts, cleanup.ts, endpoint-state.ts; racelab check (the explorer, every invariant); racelab run oct-2025',
  verifiedBy:
    'racelab exercise verify fix: your change stays in the Enactor and its clean-up, every invariant holds in every interleaving at ' +
    '2 × 2 × 4 and 3 × 1 × 4 (the bounds racelab check proves at) with no safeguard, and oct-2025 ends healthy',
  hints: [
    'Where does the Enactor decide its plan is newer? Once, in begin. What happens between that check and the write?',
    'A check right before the write is not enough on its own: another Enactor can write in between. What in the change batch makes it fail ' +
      'if the endpoint moved since the read?',
    'Every batch deletes the exact lock value it read, so a comparison made on the same snapshot as the batch is atomic with it. Compare generations there.',
  ],
  verify: (input) =>
    verifyChange(input, ENACTOR, async () => {
      const all: InvariantName[] = ['answers', 'never-older', 'active-kept', 'converges', 'no-crash'];
      const { holds, covered } = await exploreWithoutSafeguards(all);
      const { report, failed } = await replayOnChangedCode();
      return [...all.map(holds), covered, check(report.outcome === 'healthy' && !failed, `oct-2025 with no safeguard ends ${report.outcome}${failed}`)];
    }),
};

const recover: Exercise = {
  id: 'recover',
  rules: ENACTOR,
  title: 'Recover: make the automation repair itself',
  goal:
    "Change the Enactor so that, when it finds the endpoint's active tree gone, it brings the endpoint back by itself, even when the " +
    'plan table has lost that plan, and doing so twice does no harm. Leave the race open: recovery is proved against the outage.',
  context:
    'On the day, the Enactors stopped in DAT453\'s "inconsistent state": every change must write a rollback record to the active tree, ' +
    "and it was gone. Operators had to repair DNS by hand. The self-heal safeguard is the lab's answer; write yours without it.",
  use: 'lambdas/core/enactor.ts (where it records "stuck"); racelab check --invariant converges; racelab run oct-2025',
  verifiedBy:
    'racelab exercise verify recover: your change stays in the Enactor and its clean-up; with no safeguard, converges and no-crash hold ' +
    'in every interleaving at 2 × 2 × 4 and 3 × 1 × 4 (the bounds racelab check proves at) while the race still empties an endpoint; ' +
    'oct-2025 goes empty and ends healthy',
  hints: [
    'racelab run oct-2025: the last Enactor ends "stuck". What does it need that is gone, and does it really need it?',
    'The rollback record only matters while the old tree exists. With the tree gone, what can the Enactor write that is always safe?',
    'The newest plan, or failing that its own (it holds it in memory, whatever the table has lost). Write its tree whole, as a first apply ' +
      'would: no rollback record.',
  ],
  verify: (input) =>
    verifyChange(input, ENACTOR, async () => {
      const { violations, holds, covered } = await exploreWithoutSafeguards(['converges', 'no-crash']);
      const { report, failed, wentEmpty } = await replayOnChangedCode();
      return [
        holds('converges'),
        holds('no-crash'),
        covered,
        check(
          violations.answers !== undefined,
          violations.answers
            ? 'the race still empties an endpoint, so the recovery was tested against it'
            : 'no interleaving empties an endpoint any more: that closes the race (exercise fix); keep it open to prove the recovery',
        ),
        check(wentEmpty, wentEmpty ? 'oct-2025 still goes empty' : 'oct-2025 no longer goes empty: the recovery was not exercised'),
        check(
          report.outcome === 'healthy' && !report.automation.stuck && !failed,
          `oct-2025 with no safeguard ends ${report.outcome}${report.automation.stuck ? ', the automation stuck' : ''}${failed}`,
        ),
      ];
    }),
};

const stabilize: Exercise = {
  id: 'stabilize',
  rules: DWFM,
  title: "Stabilize: end DWFM's collapse once DNS is back",
  goal:
    'Change DWFM (lambdas/core/cascade/dwfm.ts) so that, once DNS answers again, it re-establishes every lapsed lease within a bound ' +
    'instead of collapsing, with no lever switched on and no operator but the DNS repair. Renewals while DNS answers must not suffer.',
  context:
    'On the day DNS was back at 2:25 AM, yet EC2 stayed broken for hours: the whole fleet of droplets asked DWFM for a lease at once, every ' +
    'attempt shared its capacity, timed out and started over (a congestive collapse), until engineers throttled and restarted it at 4:14 AM. ' +
    "The shipped admission-control lever is the lab's answer (racelab run oct-2025-cascade -s admission-control); write yours in DWFM, without it.",
  use:
    'lambdas/core/cascade/dwfm.ts (second(): which lapsed droplets start an attempt); docs/cascade.md; racelab exercise verify stabilize ' +
    '--answer case=N (one case on your code, DWFM tick by tick; case 1 is the day); racelab run oct-2025-cascade',
  verifiedBy:
    'racelab exercise verify stabilize: your change stays in DWFM and switches on no shipped lever (its runs must not change with ' +
    'queueMax or the backoff settings); then the cascade on your code, with no lever and no operator but the DNS repair, over 50 outages ' +
    "(30 to 250 s) and fleets of 1,000 to 3,000 droplets on oct-2025-cascade's settings: none metastable, every droplet leased again " +
    "within 1.5 × droplets ÷ 15 + 20 s of DNS's return (the shipped admission-control lever takes droplets ÷ 15, within a tick), " +
    'no renewal lost while DNS answers, no lease back without its work. A few seconds; the first failing case is named, to reproduce',
  hints: [
    "racelab exercise verify stabilize --answer case=1 runs the day's outage on your code and shows DWFM tick by tick: after DNS is back " +
      "at +180 s, how many attempts are in flight, and how many finish? What share of DWFM's 15 leases a second does each of 1,000 get?",
    'An attempt must finish within attemptTimeoutSeconds, and n attempts in flight each need n ÷ leasesPerSecond seconds. So how many ' +
      'may be in flight at most? A shorter timeout or sooner retries only raise n.',
    'In second(), where the droplets in `asking` become attempts, admit them only while the attempts in flight are under a limit of ' +
      'your own from leasesPerSecond × attemptTimeoutSeconds (half of it leaves a margin); the rest ask again next second. Leave renewals alone.',
  ],
  verify: (input) => {
    const only = input.answers.case === undefined ? undefined : Number(input.answers.case);
    return verifyChange(
      input,
      DWFM,
      async () => {
        // The trainee's DWFM, run by the lab's simulation, on oct-2025-cascade's settings.
        const { judgeStabilize } = await import('./stabilize.ts');
        const { simulateCascade } = await import('../lambdas/core/cascade/simulate.ts');
        const { loadScenario } = await import('../scenario/files.ts');
        const settings = (await loadScenario('oct-2025-cascade')).cascade!;
        return judgeStabilize({ simulate: simulateCascade, settings, only });
      },
      only !== undefined,
    );
  },
};

export const CODE_EXERCISES: Exercise[] = [fix, recover, stabilize];
