// The training exercises: each has a goal, the context, what to use, how it is
// verified, and progressive hints. `verify` checks the trainee's work
// mechanically: answers against the lab's own run, a live lab's zone and DNS;
// a change to the Enactor (fix, recover) or to DWFM (stabilize) in code-exercises.ts.
// The answer keys are in docs/training/facilitator.md, kept apart for the facilitator.
import type { RunEvent } from '../lambdas/core/events.ts';
import { CODE_EXERCISES } from './code-exercises.ts';
import { check, POINTS, result, type Exercise, type VerifyInput, type VerifyResult } from './exercise-model.ts';
import { FREEZE } from './freeze.ts';
import { replayOutage } from './outage-replay.ts';
import type { LabSnapshot } from './mitigation-judge.ts';
import type { Progress } from './progress.ts';
import type { UpLab } from '../targets/up-lab.ts';

export { POINTS, type Exercise } from './exercise-model.ts';

const REGIONAL = 'dynamodb.us-east-1';

/** The facts of the scripted outage, from the lab's own run of oct-2025 (virtual time: the same on every machine). */
export async function outageFacts(): Promise<{ liveGeneration: number; emptiedBy: string; deletedAt: number; emptyAt: number; zone: string }> {
  const { report, zone } = await replayOutage('exercise');
  const events = report.events;
  const emptyAt = report.endpoints.find((endpoint) => endpoint.endpoint === REGIONAL)?.firstEmptyAtSeconds;
  if (emptyAt === null || emptyAt === undefined)
    throw new Error("the lab's run of oct-2025 did not empty the regional endpoint; run `racelab run oct-2025` to see why");
  const before = (event: RunEvent & { atSeconds: number }) => event.atSeconds <= emptyAt;
  const live = events.filter((event) => before(event) && event.outcome === 'applied' && event.endpoint === REGIONAL).at(-1)!;
  const deletion = events.find((event) => before(event) && event.step === 'cleanup' && event.outcome === 'deleted' && event.generation === live.generation)!;
  return { liveGeneration: live.generation!, emptiedBy: deletion.actor, deletedAt: deletion.atSeconds, emptyAt, zone };
}

const normalName = (name: string | undefined) => (name ?? '').trim().toLowerCase().replace(/\.$/, '');

function missingAnswers(input: VerifyInput, keys: string[]): VerifyResult | undefined {
  const missing = keys.filter((key) => input.answers[key] === undefined);
  if (!missing.length) return undefined;
  return result(missing.map((key) => check(false, `no answer for "${key}": give it with --answer ${key}=…`)));
}

const ANSWERED_EXERCISES: Exercise[] = [
  {
    id: 'observe',
    title: 'Observe: read the outage from its timeline',
    goal: 'Say whose write emptied the regional endpoint, at which second it went empty, and which plan was live then.',
    context: 'oct-2025 replays the 20 October 2025 race. Every event of the run is in its timeline; nothing else is needed.',
    use: 'racelab run oct-2025 (and --json, or racelab run --save + racelab report, if you like)',
    verifiedBy: 'racelab exercise verify observe --answer emptied-by=<actor> --answer second=<whole second> --answer plan=<gN>',
    hints: [
      'An endpoint goes empty when the tree its alias points at loses its records. Look for cleanup events, and the probe that first finds the endpoint empty.',
      'Which generation did dynamodb.us-east-1 point at just before it went empty? It is the last "applied" event on that endpoint before the empty probe.',
      "Find the cleanup 'deleted' event of that generation: its actor is the answer, and the second is between that event and the empty probe.",
    ],
    async verify(input) {
      const missing = missingAnswers(input, ['emptied-by', 'second', 'plan']);
      if (missing) return missing;
      const facts = await outageFacts();
      const second = Number(input.answers.second);
      const plan = normalName(input.answers.plan).replace(/^g/, '');
      return result([
        check(normalName(input.answers['emptied-by']) === facts.emptiedBy, `emptied-by: the write that emptied ${REGIONAL} (a clean-up's delete)`),
        check(
          Number.isInteger(second) && second >= Math.floor(facts.deletedAt) && second <= Math.ceil(facts.emptyAt),
          'second: when the regional endpoint went empty, in whole scenario seconds',
        ),
        check(Number(plan) === facts.liveGeneration, 'plan: the generation the regional endpoint pointed at when it went empty'),
      ]);
    },
  },
  {
    id: 'detect',
    title: 'Detect: find the dangling record with dig and the AWS CLI',
    goal: 'Using only dig and the AWS CLI against a live lab, find why dynamodb.us-east-1 answers nothing, and name the dangling record and what it points at.',
    context: 'racelab up --scenario oct-2025 runs the race and keeps serving its end state: a Route 53 endpoint, DynamoDB and a DNS server on loopback.',
    use: 'racelab up --scenario oct-2025 --dns-port 5300 (paste its export lines), dig, aws route53 list-resource-record-sets (--endpoint-url as up prints it)',
    verifiedBy: 'racelab exercise verify detect --answer record=<name> --answer target=<name>',
    hints: [
      'dig @127.0.0.1 -p 5300 dynamodb.us-east-1.lab.internal: the status is NOERROR, yet there is no answer. So the name exists, but what ' +
        'it leads to does not.',
      'In aws route53 list-resource-record-sets, the endpoint is an A record with an AliasTarget, not a value. Where does it point?',
      'List the names under .plans.: is the tree the alias points at still there?',
    ],
    async verify(input) {
      const missing = missingAnswers(input, ['record', 'target']);
      if (missing) return missing;
      const facts = await outageFacts();
      const { endpointName, planTreeName } = await import('../lambdas/core/dns-tree.ts');
      return result([
        check(
          normalName(input.answers.record) === endpointName(REGIONAL, facts.zone),
          'record: the record that answers for the regional endpoint, and dangles',
        ),
        check(
          normalName(input.answers.target) === planTreeName(REGIONAL, facts.liveGeneration, facts.zone),
          'target: the name it points at, which has no records left',
        ),
      ]);
    },
  },
  {
    id: 'mitigate',
    title: 'Mitigate: repair the live lab by hand',
    goal: 'With the AWS CLI against the lab that racelab up serves, bring every endpoint back to answering, in a way the automation can go on from.',
    context:
      'The automation is stuck: its next change must write a rollback record to the live tree, which is gone. On the day, operators ' +
      'repaired DNS by hand. Leave racelab repair alone until you have verified.',
    use:
      'racelab up --scenario oct-2025 (paste its export lines), aws route53 change-resource-record-sets, aws dynamodb query ' +
      '(--endpoint-url as up prints it), dig',
    verifiedBy:
      "racelab exercise verify mitigate (in the terminal with the exports): reads the live zone, the plan table and the lab's DNS. " +
      'Every endpoint answers, from a plan that has its row; no lock the automation cannot read or wait out; and, on a copy, the ' +
      "Planner's next plan reaches every endpoint in one Enactor cycle, with no safeguard and with write-time-check",
    hints: [
      'Each endpoint needs its alias to point at a tree that still has records. Which plans still have both a row in racelab-plans and a ' +
        'tree under every endpoint?',
      'A change batch must delete the exact lock value it read, as every writer does: read _lock.<endpoint> first and put a DELETE of that ' +
        'value and a CREATE of a new one in the same batch.',
      'docs/embedded-target.md, "Repair it by hand", goes through it step by step.',
    ],
    async verify(input) {
      const { attachToUpLab, explainUpLabError } = await import('../targets/up-lab.ts');
      const lab = await attachToUpLab('exercise verify mitigate', input.env);
      let snapshot: LabSnapshot;
      try {
        snapshot = await snapshotOfLab(lab);
      } catch (error) {
        throw explainUpLabError(error, input.env);
      }
      return { ...result(await judgeSnapshot(snapshot)), evidence: snapshot };
    },
    rejudge: async (evidence) => result(await judgeSnapshot(evidence as LabSnapshot)),
  },
];

/** The live lab as mitigate judges it: its zone, its plan rows and counter, the time, and what its DNS server answers. */
async function snapshotOfLab(lab: UpLab): Promise<LabSnapshot> {
  const { endpointsInZone } = await import('../lambdas/core/repair.ts');
  const takenAtMs = Date.now();
  const records = await lab.dns.recordsUnder(lab.zone);
  const generations = await lab.store.listGenerations();
  const plans = (await Promise.all(generations.map((generation) => lab.store.getPlan(generation)))).filter((plan) => plan !== undefined);
  const counter = await lab.store.generationCounter();
  if (!lab.dnsServer) return { zone: lab.zone, records, plans, counter, takenAtMs };
  const { DnsResolver } = await import('../lambdas/adapters/dns-resolver.ts');
  const { probeEndpoints } = await import('../lambdas/core/probe.ts');
  const endpoints = endpointsInZone(records, lab.zone);
  const answers = await probeEndpoints(new DnsResolver(lab.dnsServer), endpoints, lab.zone, 6);
  const answered = Object.fromEntries(endpoints.map((endpoint) => [endpoint, answers[endpoint]?.length ?? 0]));
  return { zone: lab.zone, records, plans, counter, takenAtMs, answered };
}

/** Mitigate's judge on a snapshot, with oct-2025's policy and Planner: the lab `racelab up --scenario oct-2025` serves. */
export async function judgeSnapshot(snapshot: LabSnapshot): Promise<VerifyResult['checks']> {
  const { judgeMitigation } = await import('./mitigation-judge.ts');
  const { loadScenario } = await import('../scenario/files.ts');
  const { labSettings } = await import('../scenario/schedule.ts');
  const settings = labSettings(await loadScenario('oct-2025'));
  return judgeMitigation(snapshot, settings.policy, { pool: settings.pool, seed: settings.seed });
}

/** After recover, freeze (freeze.ts): the mission's order is observe, detect, mitigate, fix, recover, freeze, stabilize. */
const withFreeze = (list: Exercise[]): Exercise[] => {
  const at = list.findIndex((exercise) => exercise.id === 'recover') + 1 || list.length;
  return [...list.slice(0, at), FREEZE, ...list.slice(at)];
};

/** In the order a session takes them: read, find, repair by hand, change the code, freeze a live lab, then DWFM's code. */
export const EXERCISES: Exercise[] = withFreeze([...ANSWERED_EXERCISES, ...CODE_EXERCISES]);

export function exerciseById(id: string): Exercise | undefined {
  return EXERCISES.find((exercise) => exercise.id === id || String(EXERCISES.indexOf(exercise) + 1) === id);
}

/** `exercise list`: each exercise, numbered, with where the trainee is in it. */
export function exerciseStatuses(progress: Progress) {
  return EXERCISES.map((exercise, i) => {
    const state = progress.exercises[exercise.id];
    const status = state?.passedAt ? 'passed' : state?.startedAt ? 'started' : 'not started';
    return { number: i + 1, id: exercise.id, title: exercise.title, status, hints: state?.hints ?? 0 };
  });
}

/** `exercise score`: the points of each exercise passed, less each hint's cost, and the total out of what is possible. */
export function scorecardOf(progress: Progress) {
  const rows = EXERCISES.map((exercise) => {
    const state = progress.exercises[exercise.id];
    const points = state?.passedAt ? Math.max(0, POINTS.exercise - POINTS.hint * state.hints) : 0;
    return { id: exercise.id, passed: Boolean(state?.passedAt), hints: state?.hints ?? 0, attempts: state?.attempts ?? 0, points };
  });
  return { rows, total: rows.reduce((sum, row) => sum + row.points, 0), possible: EXERCISES.length * POINTS.exercise };
}
