// Over 100 seeds and outages: with no lever the collapse outlasts its trigger
// (the fleet is past what DWFM finishes within its timeout); with
// admission-control it never does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateCascade } from '../../lambdas/core/cascade/simulate.ts';
import { NO_SWITCHES, SCENARIO_CASCADE as settings } from './settings.ts';

const outage = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  lostAt: fc.integer({ min: 2, max: 10 }).map((ticks) => ticks * settings.tickSeconds),
  lostFor: fc.integer({ min: 7, max: 25 }).map((ticks) => ticks * settings.tickSeconds),
  droplets: fc.integer({ min: 1000, max: 3000 }),
});

describe('the cascade over many outages', () => {
  it('metastable without levers, never with admission-control', () => {
    fc.assert(
      fc.property(outage, ({ seed, lostAt, lostFor, droplets }) => {
        const run = (levers: ['admission-control'] | []) =>
          simulateCascade({
            settings: { ...settings, droplets, untilSeconds: 600 },
            reachable: (s) => s < lostAt || s >= lostAt + lostFor,
            controls: () => NO_SWITCHES,
            levers,
            seed,
          }).verdict;
        const bare = run([]);
        expect(bare.metastable).toBe(true);
        expect(bare.recoveredAtSeconds).toBeNull();
        expect(run(['admission-control']).metastable).toBe(false);
      }),
      { numRuns: 100, seed: 2025 },
    );
  });
});
