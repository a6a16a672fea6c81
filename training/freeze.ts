// The freeze exercise: stop the automation before it makes things worse, then
// repair. `racelab up --scenario oct-2025-freeze --hand-over` runs the race
// until the regional endpoint answers nothing, with more harm in flight, and
// hands the trainee the operator's turn: the run holds while they act, then the
// automation goes on. Verify reads that run's events, the kill switch and the
// live zone and DNS; judgeFreeze, the judge itself, is a function of them alone.
import type { RunEvent } from '../lambdas/core/events.ts';
import type { KillSwitchState } from '../lambdas/core/ports.ts';
import type { UpLab } from '../targets/up-lab.ts';
import { check, result, type Exercise, type VerifyResult } from './exercise-model.ts';

const SCENARIO = 'oct-2025-freeze';
const UP = `racelab up --scenario ${SCENARIO} --hand-over`;

/** The actors the kill switch stops: the Planner and the Enactors (not the operator, the Probe or the runner). */
const AUTOMATION = new Set(['planner', 'az-a', 'az-b', 'az-c']);
/** What the automation records when it changes the world: a plan written, a plan applied to an endpoint, an old plan deleted. */
const CHANGES = new Set(['written', 'applied', 'deleted']);

/** One endpoint as verify finds it in the live lab. */
export interface LiveEndpoint {
  endpoint: string;
  /** The generation its alias points at; undefined when it has no alias. */
  generation?: number;
  /** Whether that generation's tree still has records. */
  treeExists: boolean;
  /** Addresses the lab's DNS answered, when verify could ask it. */
  addresses?: number;
}

/** Everything the judge needs: the run handed over (its events), the switch as it is now, the endpoints as they are now. */
export interface FreezeFacts {
  /** The latest run of the lab, if it has one. */
  run?: { runId: string; events: RunEvent[] };
  killSwitch: KillSwitchState;
  endpoints: LiveEndpoint[];
}

const seconds = (ms: number) => `+${(ms / 1000).toFixed(1)} s`;
/** The changes a failing line lists: enough to tell the harm, not the whole run. */
const CHANGES_SHOWN = 4;

/** A change in words: "az-a wrote its stale g2 over the newer g7 on dynamodb-fips.us-east-1". */
function describeChange(event: RunEvent): string {
  const who = event.actor === 'planner' ? 'the Planner' : event.actor;
  if (event.outcome === 'written') return `${who} wrote g${event.generation}`;
  if (event.outcome === 'deleted') return `${who}'s clean-up deleted g${event.generation}`;
  const stale = event.over !== undefined && event.generation !== undefined && event.generation < event.over;
  const over = event.over === undefined ? '' : stale ? ` over the newer g${event.over}` : ` over g${event.over}`;
  return `${who} wrote ${stale ? 'its stale ' : ''}g${event.generation}${over} to ${event.endpoint}`;
}

/** Who stopped for the switch, and when: "az-a (+18.9 s), az-b (+20.0 s), the Planner (+30.1 s)". */
function describeStops(stops: readonly RunEvent[], start: number): string {
  const first = new Map<string, number>();
  for (const stop of stops) if (!first.has(stop.actor)) first.set(stop.actor, stop.at);
  return [...first].map(([actor, at]) => `${actor === 'planner' ? 'the Planner' : actor} (${seconds(at - start)})`).join(', ');
}

/**
 * The judge: one line per check, each saying what was right or what is wrong and where to look. The run must be
 * one handed over to the trainee and over (the automation has gone on); then: the switch is thrown now; the
 * automation met it before its next change after the hand-over; no change landed after it met it; and every
 * endpoint points at a tree that exists and answers.
 */
export function judgeFreeze(facts: FreezeFacts): VerifyResult {
  const { run, killSwitch } = facts;
  const handOver = run?.events.find((event) => event.actor === 'operator' && event.outcome === 'handed-over');
  if (!run || !handOver) {
    return result([check(false, `this lab's run was not handed over to you: start the lab with ${UP} (and paste the export lines it prints here)`)]);
  }
  const start = Math.min(...run.events.map((event) => event.at));
  const took = seconds(handOver.at - start);
  if (!run.events.some((event) => event.actor === 'probe' && event.detail === 'final')) {
    return result([
      check(
        false,
        `the run still holds for your turn (from ${took}): throw the switch and repair, then press Enter in racelab up's terminal (or let ` +
          'its countdown end) so the automation goes on, and verify again',
      ),
    ]);
  }
  const automation = run.events.filter((event) => AUTOMATION.has(event.actor) && event.at >= handOver.at);
  const changes = automation.filter((event) => CHANGES.has(event.outcome));
  const stops = automation.filter((event) => event.outcome === 'frozen');
  const frozenAt = stops[0]?.at;
  const nextChange = changes[0];
  const checks = [
    check(
      killSwitch.thrown,
      killSwitch.thrown
        ? `the kill switch is thrown${killSwitch.by ? ` (by ${killSwitch.by})` : ''}: leave it so until the race is fixed, as AWS kept its automation off`
        : 'the kill switch is not thrown now: the item pk "kill-switch", sk 0 in the plans table is missing, or its frozen is false',
    ),
  ];
  if (frozenAt !== undefined && (!nextChange || frozenAt < nextChange.at)) {
    checks.push(check(true, `the automation met the switch before its next change after you took over (${took}): ${describeStops(stops, start)}`));
  } else if (nextChange) {
    const late =
      frozenAt !== undefined
        ? `It first met the switch at ${seconds(frozenAt - start)}, after its first change: too late`
        : killSwitch.thrown
          ? 'You threw the switch once the run had ended: too late, the harm was done'
          : 'Nobody threw the kill switch';
    const shown = changes.slice(0, CHANGES_SHOWN).map((event) => `${describeChange(event)} (${seconds(event.at - start)})`);
    const more = changes.length > CHANGES_SHOWN ? `, and ${changes.length - CHANGES_SHOWN} more` : '';
    checks.push(
      check(
        false,
        `after you took over (${took}) the automation went on: ${shown.join('; ')}${more}. ${late}. Throw the switch during your turn, ` +
          "before you hand the lab back: up's timeline shows what the automation still had in flight",
      ),
    );
  } else {
    checks.push(check(false, `the automation never met the kill switch after you took over (${took}): throw it during your turn`));
  }
  if (frozenAt !== undefined) {
    const after = changes.filter((event) => event.at > frozenAt);
    checks.push(
      check(
        after.length === 0,
        after.length === 0
          ? `no change landed after the freeze (${seconds(frozenAt - start)})`
          : `${describeChange(after[0]!)} at ${seconds(after[0]!.at - start)}, after the automation met the switch at ` +
              `${seconds(frozenAt - start)}: it was released meanwhile (leave it thrown)`,
      ),
    );
  }
  for (const endpoint of facts.endpoints) {
    const ok = endpoint.generation !== undefined && endpoint.treeExists;
    const where =
      endpoint.generation === undefined
        ? 'it has no alias'
        : ok
          ? `g${endpoint.generation}`
          : `g${endpoint.generation}, whose tree is gone: repair it (racelab repair works while the automation is frozen)`;
    checks.push(check(ok, `${endpoint.endpoint}: its alias points at a tree that exists (${where})`));
    if (endpoint.addresses !== undefined) {
      const count = endpoint.addresses;
      checks.push(check(count > 0, `${endpoint.endpoint}: DNS answers ${count} address${count === 1 ? '' : 'es'}`));
    }
  }
  if (!facts.endpoints.length) checks.push(check(false, `the zone has no endpoint: start ${UP} first`));
  return result(checks);
}

export const FREEZE: Exercise = {
  id: 'freeze',
  title: 'Freeze: stop the automation before it makes things worse, then repair',
  goal:
    'In a live lab where the race is still under way, throw the kill switch before the automation makes its next change, then bring ' +
    'every endpoint back to answering. Leave the switch thrown.',
  context:
    `${UP} runs the race until dynamodb.us-east-1 answers nothing, then hands you the operator's turn: the run holds, the automation ` +
    'waiting, for 5 minutes or until you press Enter in its terminal; then the automation goes on. The Planner and every Enactor read ' +
    'the kill switch before each change they would make: an item in the plans table (racelab-plans), pk "kill-switch", sk 0, thrown ' +
    'while it exists unless its frozen is false. On the day, AWS disabled the DNS Planner and Enactor automation worldwide.',
  use:
    `${UP} (paste its export lines), aws dynamodb put-item and get-item (--endpoint-url as up prints it), racelab repair ` +
    '(or the AWS CLI, as in mitigate), dig',
  verifiedBy:
    "racelab exercise verify freeze (in the terminal with the exports, once the automation has gone on): reads the run's events, the " +
    'kill switch, the live zone and DNS',
  hints: [
    "Before you repair anything, read up's timeline: which Enactor still retries, and with which plan? Whose clean-up has not run yet? " +
      'While they run, they can break what you repair, or the endpoints you have not touched.',
    'The switch is one DynamoDB item: pk is the string "kill-switch", sk the number 0, and frozen the boolean true. Write it with ' +
      'aws dynamodb put-item and read it back with get-item, before you press Enter.',
    'aws dynamodb put-item --table-name racelab-plans --item \'{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}\' ' +
      "--endpoint-url <up's DynamoDB API>, " +
      "then racelab repair (it is the operator's tool: the switch does not stop it), then Enter in up's terminal, then verify.",
  ],
  rejudge: async (evidence) => judgeFreeze(evidence as FreezeFacts),
  async verify(input) {
    const { attachToUpLab, explainUpLabError } = await import('../targets/up-lab.ts');
    const lab = await attachToUpLab('exercise verify freeze', input.env);
    try {
      const { UsageError } = await import('../scenario/usage-error.ts');
      if (!lab.runs) {
        throw new UsageError(`exercise verify freeze reads the run's events, and needs EVENTS_TABLE: paste every export line ${UP} printed`);
      }
      const runId = (await lab.runs.ids()).at(-1);
      const run = runId === undefined ? undefined : { runId, events: await lab.runs.events.list(runId) };
      const facts: FreezeFacts = { run, killSwitch: await lab.killSwitch.read(), endpoints: await liveEndpoints(lab) };
      return { ...judgeFreeze(facts), evidence: facts };
    } catch (error) {
      throw explainUpLabError(error, input.env);
    }
  },
};

/** Each endpoint of the live zone: where its alias points, whether that tree exists, and what DNS answers (when `up` printed its DNS server). */
async function liveEndpoints(lab: UpLab): Promise<LiveEndpoint[]> {
  const { endpointsInZone } = await import('../lambdas/core/repair.ts');
  const { activeTreeGone, snapshotOf } = await import('../lambdas/core/endpoint-state.ts');
  const records = await lab.dns.recordsUnder(lab.zone);
  const endpoints = endpointsInZone(records, lab.zone).sort();
  const answers = lab.dnsServer ? await dnsAnswers(lab.dnsServer, endpoints, lab.zone) : undefined;
  return endpoints.map((endpoint) => {
    const snapshot = snapshotOf(endpoint, lab.zone, records);
    return {
      endpoint,
      ...(snapshot.generation === undefined ? {} : { generation: snapshot.generation }),
      treeExists: snapshot.generation !== undefined && !activeTreeGone(snapshot),
      ...(answers ? { addresses: answers[endpoint]?.length ?? 0 } : {}),
    };
  });
}

async function dnsAnswers(server: string, endpoints: string[], zone: string): Promise<Record<string, string[]>> {
  const { DnsResolver } = await import('../lambdas/adapters/dns-resolver.ts');
  const { probeEndpoints } = await import('../lambdas/core/probe.ts');
  return probeEndpoints(new DnsResolver(server), endpoints, zone, 6);
}
