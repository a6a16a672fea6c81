// Gates on the embedded target: a step waits for its event, however late it
// comes; a gate that waits in vain fails the run after gates.timeoutSeconds,
// saying which step waited for what. (In virtual time: the minutes of waiting
// take milliseconds.)
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/files.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';

async function oct2025(change: (scenario: Scenario) => void): Promise<Scenario> {
  const scenario = structuredClone(await loadScenario('oct-2025'));
  change(scenario);
  return scenario;
}

describe('gates', () => {
  it('hold a step past its second until its event, and the step then runs', async () => {
    // az-c's second run may start at second 18, but only after g7, which the Planner writes only after
    // the Probe has looked at az-b's clean-up: whatever the seconds say, it comes after all of them.
    const { events } = await runScenarioEmbedded(new MemoryLab(), await loadScenario('oct-2025'), { runId: 'r', safeguards: [] });
    const g7 = events.find((e) => e.actor === 'planner' && e.generation === 7)!;
    const look = events.find((e) => e.actor === 'probe' && e.detail === "after az-b's clean-up")!;
    const azcBegins = events.filter((e) => e.actor === 'az-c' && e.step === 'begin');
    expect(look.at).toBeLessThan(g7.at);
    expect(azcBegins[1]!.at).toBeGreaterThan(g7.at);
    expect(azcBegins[1]!).toMatchObject({ generation: 7 });
  });

  it('fail the run after gates.timeoutSeconds when the event never comes, naming the step and the event', async () => {
    const scenario = await oct2025((s) => {
      s.gates.timeoutSeconds = 30;
      s.timeline['az-c'][1]!.after = { actor: 'az-c', outcome: 'gave-up' };
    });
    const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'r', safeguards: [] });
    expect(run.failure).toEqual({ error: 'racelab.GateTimeout', cause: 'az-c 2 run waited 30 s for "az-c gave-up", which never happened' });
    // What happened before the failure is all in the log.
    expect(run.events.some((e) => e.actor === 'az-b' && e.outcome === 'deleted' && e.generation === 2)).toBe(true);
  });

  it("end an Enactor's step with a failed event when its fault waited in vain, and the run goes on", async () => {
    const scenario = await oct2025((s) => {
      s.gates.timeoutSeconds = 20;
      s.faults[0]!.until = { actor: 'az-b', outcome: 'gave-up' };
    });
    const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'r', safeguards: [] });
    const failed = run.events.find((e) => e.actor === 'az-a' && e.outcome === 'failed');
    expect(failed?.detail).toMatch(/^dynamodb\.us-east-1: an injected fault waited 2\d s for "az-b gave-up", which never happened/);
  });
});
