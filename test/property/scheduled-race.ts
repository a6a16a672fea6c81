// The race under fast-check's scheduler: the real Planner and Enactor code on
// the zone model and an in-memory plan store, every port call scheduled, and
// the invariants checked right after each call takes effect.
import type fc from 'fast-check';
import { runEnactor } from '../../lambdas/core/enactor.ts';
import { writePlans } from '../../lambdas/core/planner.ts';
import { NEVER_THROWN } from '../../lambdas/core/kill-switch.ts';
import type { DnsZone, PlanStore } from '../../lambdas/core/ports.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { plannerSettings, type ExplorerConfig } from '../../explorer/config.ts';
import { Execution, enactorContext, stillClock } from '../../explorer/execution.ts';
import { checkStep, pointers, type Violation } from '../../explorer/invariants.ts';
import type { World } from '../../explorer/world.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';

export const RACE_BOUNDS = { enactors: 2, endpoints: 2, generations: 4, retries: 2, keepGenerations: 1 } as const;

function scheduled<T extends object>(s: fc.Scheduler, target: T, afterEach: () => void): T {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key);
      if (typeof value !== 'function') return value;
      // The call takes effect when the scheduler releases it (not when it is made),
      // so any actor's first call can come after another actor's writes.
      return async (...args: unknown[]) => {
        await s.schedule(Promise.resolve(), `${String(key)}(${args.map((a) => (typeof a === 'object' ? '…' : String(a))).join(', ')})`);
        try {
          return await value.apply(object, args);
        } finally {
          afterEach();
        }
      };
    },
  });
}

/** Runs the Planner and two Enactors under the scheduler; returns every invariant violation seen. */
export async function raceUnder(s: fc.Scheduler, safeguards: Safeguard[]): Promise<Violation[]> {
  const config: ExplorerConfig = { ...RACE_BOUNDS, safeguards };
  const world: World = await Execution.steadyState(config);
  const violations: Violation[] = [];
  let before = pointers(world, config);
  const check = () => {
    violations.push(...checkStep(world, config, before));
    before = pointers(world, config);
  };
  const store = scheduled<PlanStore>(s, world.store, check);
  const dns = scheduled<DnsZone>(s, new MemoryDnsZone(world.zone), check);
  const clock = stillClock;
  const record = async () => {};
  const actors = [
    writePlans({ store, clock, record, killSwitch: NEVER_THROWN }, plannerSettings(config), config.generations - 1),
    runEnactor(enactorContext(config, 'az-a', store, dns, clock, record)),
    runEnactor(enactorContext(config, 'az-b', store, dns, clock, record)),
  ];
  await s.waitIdle();
  await Promise.all(actors);
  return violations;
}
