// Scenario files: the shipped ones validate, and a bad file is refused with
// an error that names the field and what is allowed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executionInput, expectedOutcome, parseScenario, ScenarioError, scheduleSeconds } from '../../infra/scenario.ts';
import { SCENARIOS_DIR, scenarioNames } from '../../cli/scenario-files.ts';

const oct2025 = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'oct-2025.json'), 'utf8')) as Record<string, unknown>;

function errorFor(data: unknown): string {
  try {
    parseScenario(data, 'bad.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario files', () => {
  it('every shipped scenario validates', async () => {
    for (const name of await scenarioNames()) {
      expect(() => parseScenario(JSON.parse(readFileSync(join(SCENARIOS_DIR, `${name}.json`), 'utf8')), name)).not.toThrow();
    }
  });

  it('names an unknown endpoint in an apply step and lists the allowed ones', () => {
    const timeline = structuredClone(oct2025.timeline) as Record<string, { do: string; endpoint?: string }[]>;
    timeline['az-a']![1]!.endpoint = 'dynamodb.eu-west-1';
    const message = errorFor({ ...oct2025, timeline });
    expect(message).toContain('timeline.az-a.1.endpoint');
    expect(message).toContain('"dynamodb.eu-west-1" is not one of the scenario\'s endpoints (dynamodb.us-east-1, dynamodb-fips.us-east-1, dynamodb.us-east-1.api)');
  });

  it('refuses an apply with no begin before it', () => {
    const timeline = { 'az-b': [{ at: 1, do: 'apply', endpoint: 'dynamodb.us-east-1' }] };
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.az-b.0.do: "apply" needs an earlier "begin" step of az-b');
  });

  it('refuses steps out of time order, unknown safeguards, unknown fields and fractional seconds', () => {
    const timeline = { planner: [{ at: 5, do: 'plan', count: 1 }, { at: 2, do: 'plan', count: 1 }] };
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.planner.1.at: 2 is earlier than the step before it (5)');
    expect(errorFor({ ...oct2025, expect: { outcome: 'outage', healthyWith: ['magic'] } })).toMatch(/expect\.healthyWith\.0: .*write-time-check/);
    expect(errorFor({ ...oct2025, colour: 'blue' })).toContain('colour');
    expect(errorFor({ ...oct2025, timeline: { planner: [{ at: 0.5, do: 'plan', count: 1 }] } })).toContain('timeline.planner.0.at');
  });

  it('expects healthy when any listed safeguard is on, the scenario outcome otherwise', () => {
    const scenario = parseScenario(oct2025, 'oct-2025');
    expect(expectedOutcome(scenario, [])).toBe('outage');
    expect(expectedOutcome(scenario, ['recheck-each-endpoint'])).toBe('outage');
    expect(expectedOutcome(scenario, ['recheck-each-endpoint', 'protect-active'])).toBe('healthy');
  });

  it('schedules every step and probe instant, scaled from the start time', () => {
    const scenario = parseScenario(oct2025, 'oct-2025');
    const startAt = new Date('2026-01-01T00:00:00.000Z');
    const input = executionInput(scenario, { runId: 'r', safeguards: [], startAt, msPerSecond: 50 });
    expect(scheduleSeconds(scenario)).toContain(15);
    expect(input.schedule?.t15).toBe('2026-01-01T00:00:00.750Z');
    expect(input.settings.policy.backoffMs).toBe(scenario.policy.backoffSeconds * 1000);
  });
});
