// The judge of the exercise stabilize (training/stabilize.ts), on the lab's own
// DWFM in this process: the unmodified code collapses and the message says why;
// the shipped levers are refused by behaviour; admission-control, switched on,
// sets the bound verify asks for, with its margin; a limit too large collapses,
// and the message says why. The trainee's side (a git clone, exercise start,
// verify in its own process) is in test/e2e/code-exercises.test.ts.
import { describe, expect, it } from 'vitest';
import { simulateCascade } from '../../lambdas/core/cascade/simulate.ts';
import { boundSeconds, CASE_COUNT, caseOutcome, FLEET, judgeRecovery, judgeStabilize, stabilizeCases, type Simulate } from '../../training/stabilize.ts';
import { SCENARIO_CASCADE as settings } from './settings.ts';

const cases = stabilizeCases(settings);
const failing = (checks: { ok: boolean; says: string }[]) => checks.filter((item) => !item.ok).map((item) => item.says);

describe("stabilize's judge", () => {
  it('draws the same 50 outages every time, the first the day of oct-2025-cascade', () => {
    expect(cases).toHaveLength(CASE_COUNT);
    expect(stabilizeCases(settings)).toEqual(cases);
    expect(cases[0]).toEqual({ number: 1, seed: 2025, droplets: 1000, lostAt: 20, backAt: 180 });
    for (const c of cases) {
      expect(c.droplets).toBeGreaterThanOrEqual(FLEET.min);
      expect(c.droplets).toBeLessThanOrEqual(FLEET.max);
      expect(c.backAt - c.lostAt).toBeGreaterThanOrEqual(30);
      expect(c.backAt - c.lostAt).toBeLessThanOrEqual(250);
    }
  });

  it('fails the unmodified code on the first case, with the figures of its collapse', () => {
    expect(failing(judgeStabilize({ simulate: simulateCascade, settings }))).toEqual([
      expect.stringMatching(
        /^case 1 of 50 \(seed 2025, 1,000 droplets, DNS out from \+20 s to \+180 s\) is metastable: in the 30 s after DNS came back at \+180 s, up to 1,000 attempts were in flight, sharing DWFM's 15 leases a second, so each needed 67 s against its 10 s timeout; 3,000 timed out and started over, their work wasted; goodput was 0 % of capacity .* --answer case=1 /,
      ),
    ]);
  });

  it('admission-control, switched on, meets every bound with room to spare, and is refused as the shipped lever', () => {
    let closest = 0;
    for (const c of cases) {
      const outcome = caseOutcome(simulateCascade, settings, c, ['admission-control']);
      expect(outcome).toMatchObject({ metastable: false, broken: undefined });
      // Within a tick of draining the whole fleet at full capacity.
      const drain = c.droplets / settings.dwfm.leasesPerSecond;
      expect(outcome.recoverySeconds).toBeLessThanOrEqual(Math.ceil((drain + 1) / settings.tickSeconds) * settings.tickSeconds);
      closest = Math.max(closest, outcome.recoverySeconds! / boundSeconds(settings, c.droplets));
    }
    expect(closest).toBeLessThan(0.7);
    expect(failing(judgeRecovery(simulateCascade, settings, ['admission-control']))).toEqual([]);
    expect(failing(judgeStabilize({ simulate: simulateCascade, settings, levers: ['admission-control'] }))).toEqual([
      expect.stringMatching(/^your change runs the shipped admission-control lever: case 1 of 50 .* changes with dwfm\.queueMax/),
    ]);
  });

  it('fails a limit larger than what finishes within the timeout, saying why retrying harder lengthens the collapse', () => {
    // A queue limit of 300 claimed on 15 leases a second: what a change that admits too much does (the lever's
    // queueMax held at 300 whatever the judge sets, so it is judged as a limit of the change's own).
    const tooMany: Simulate = (script) =>
      simulateCascade({ ...script, levers: ['admission-control'], settings: { ...script.settings, dwfm: { ...script.settings.dwfm, queueMax: 300 } } });
    expect(failing(judgeStabilize({ simulate: tooMany, settings }))).toEqual([
      expect.stringMatching(
        /^case 1 of 50 .* is metastable: .* up to 300 attempts were in flight, sharing DWFM's 15 leases a second, so each needed 20 s against its 10 s timeout; 900 timed out .* the collapse lasts as long as more than 150 \(15 leases\/s × 10 s timeout\) are in flight/,
      ),
    ]);
  });

  it('refuses backoff-jitter the same way; on its own it does not stabilize DWFM either', () => {
    expect(failing(judgeStabilize({ simulate: simulateCascade, settings, levers: ['backoff-jitter'] }))).toEqual([
      expect.stringMatching(/^your change runs the shipped backoff-jitter lever: .* changes with dwfm\.backoffSeconds and backoffSecondsMax/),
    ]);
    expect(caseOutcome(simulateCascade, settings, cases[0]!, ['backoff-jitter']).metastable).toBe(true);
  });

  it('--answer case=N shows that case tick by tick, and never passes', () => {
    const checks = judgeStabilize({ simulate: simulateCascade, settings, only: 1 });
    expect(checks.map((item) => item.ok)).toEqual([false, true, false]);
    expect(checks[1]!.says).toContain('+180 s collapsed: 1,000 in flight, 0 established, 1,000 timed out, 0 of 1,000 leased');
    expect(checks[2]!.says).toBe('only case 1 ran: verify without --answer case judges all 50');
    expect(failing(judgeStabilize({ simulate: simulateCascade, settings, only: 51 }))).toEqual(['case=51: the cases are 1 to 50']);
  });
});
