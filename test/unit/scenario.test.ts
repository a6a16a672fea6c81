// Scenario files: the shipped ones validate, and a bad file is refused with
// an error that names the field and what is allowed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executionInput, scheduleSeconds } from '../../scenario/schedule.ts';
import { expectedOutcome, expectedStory } from '../../scenario/expectations.ts';
import { parseScenario } from '../../scenario/schema.ts';
import { ScenarioError } from '../../scenario/scenario-error.ts';
import { SCENARIOS_DIR, scenarioNames } from '../../scenario/files.ts';
import { JSON_SCHEMA_FILE, scenarioJsonSchemaText } from '../../scenario/json-schema.ts';

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
    expect(message).toContain(
      '"dynamodb.eu-west-1" is not one of the scenario\'s endpoints (dynamodb.us-east-1, dynamodb-fips.us-east-1, dynamodb.us-east-1.api)',
    );
  });

  it('refuses an apply with no begin before it', () => {
    const timeline = { 'az-b': [{ at: 1, do: 'apply', endpoint: 'dynamodb.us-east-1' }] };
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.az-b.0.do: "apply" needs an earlier "begin" step of az-b');
  });

  it('refuses steps out of time order, unknown safeguards, unknown fields and fractional seconds', () => {
    const timeline = {
      planner: [
        { at: 5, do: 'plan', count: 1 },
        { at: 2, do: 'plan', count: 1 },
      ],
    };
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.planner.1.at: 2 is earlier than the step before it (5)');
    expect(errorFor({ ...oct2025, expect: { outcome: 'outage', safeguards: { magic: { outcome: 'healthy' } } } })).toMatch(/expect\.safeguards.*magic/);
    expect(errorFor({ ...oct2025, colour: 'blue' })).toContain('colour');
    expect(errorFor({ ...oct2025, timeline: { planner: [{ at: 0.5, do: 'plan', count: 1 }] } })).toContain('timeline.planner.0.at');
  });

  it('expects healthy when any safeguard on is expected healthy, the scenario outcome otherwise', () => {
    const scenario = parseScenario(oct2025, 'oct-2025');
    expect(expectedOutcome(scenario, [])).toBe('outage');
    expect(expectedOutcome(scenario, ['recheck-each-endpoint'])).toBe('outage');
    expect(expectedOutcome(scenario, ['recheck-each-endpoint', 'protect-active'])).toBe('healthy');
  });

  it("tells the baseline's story with no safeguard, a safeguard's story with it alone, and none for a combination", () => {
    const scenario = parseScenario(oct2025, 'oct-2025');
    expect(expectedStory(scenario, [])?.map((line) => line.says)).toContain("az-b's clean-up deletes g2, the plan now live");
    expect(expectedStory(scenario, ['protect-active'])?.map((line) => line.says)).toContain("az-b's clean-up keeps g2: an endpoint points at it");
    expect(expectedStory(scenario, ['protect-active', 'self-heal'])).toBeUndefined();
  });

  it('schedules every step and probe instant, a scenario second after each other, from the start time', () => {
    const scenario = parseScenario(oct2025, 'oct-2025');
    const startAt = new Date('2026-01-01T00:00:00.000Z');
    const input = executionInput(scenario, { runId: 'r', safeguards: [], startAt });
    expect(scheduleSeconds(scenario)).toContain(15);
    expect(input.schedule?.t15).toBe('2026-01-01T00:00:15.000Z');
    expect(input.settings.policy.backoffMs).toBe(scenario.policy.backoffSeconds * 1000);
    expect(input.settings.faultHoldMsMax).toBe(scenario.gates.timeoutSeconds * 1000);
  });

  it('checks gates, fault events and stories: known actors, outcomes and endpoints', () => {
    const timeline = structuredClone(oct2025.timeline) as Record<string, { after?: Record<string, unknown> }[]>;
    timeline['az-b']![4]!.after = { actor: 'az-a', outcome: 'clened' };
    expect(errorFor({ ...oct2025, timeline })).toMatch(/timeline\.az-b\.4\.after\.outcome: .*"cleaned"/);
    timeline['az-b']![4]!.after = { actor: 'az-z' };
    expect(errorFor({ ...oct2025, timeline })).toMatch(/timeline\.az-b\.4\.after\.actor: .*"planner"/);
    timeline['az-b']![4]!.after = { actor: 'az-a', endpoint: 'dynamodb.eu-west-1' };
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.az-b.4.after.endpoint: "dynamodb.eu-west-1" is not one of the scenario\'s endpoints');
    // A gate's list: each pattern named by its place; and a gate that is neither form says what it may be.
    (timeline['az-b']![4] as { after?: unknown }).after = [{ actor: 'az-a' }, { actor: 'az-a', outcome: 'clened' }];
    expect(errorFor({ ...oct2025, timeline })).toMatch(/timeline\.az-b\.4\.after\.1\.outcome: .*"cleaned"/);
    (timeline['az-b']![4] as { after?: unknown }).after = [{ actor: 'az-a' }, { actor: 'az-a', endpoint: 'dynamodb.eu-west-1' }];
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.az-b.4.after.1.endpoint: "dynamodb.eu-west-1" is not one of');
    (timeline['az-b']![4] as { after?: unknown }).after = 'az-a';
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.az-b.4.after: must be an event pattern, or a list of 1 to 8 event patterns');
    const faults = [{ kind: 'throttle', enactor: 'az-a', endpoint: 'dynamodb.us-east-1', untilSecond: 3, until: { actor: 'az-b' } }];
    expect(errorFor({ ...oct2025, faults })).toContain(
      'faults.0: give exactly one of "times" (attempts to spoil), "untilSecond" (spoil attempts until this scenario second) or "until" (spoil attempts until an event)',
    );
    const expect_ = structuredClone(oct2025.expect) as { story: { event: Record<string, unknown> }[] };
    expect_.story[0]!.event.endpoint = 'nowhere';
    expect(errorFor({ ...oct2025, expect: expect_ })).toContain('expect.story.0.event.endpoint: "nowhere" is not one of');
  });

  it('refuses two scripted probes with one label: gates and stories find a probe by its label', () => {
    const timeline = structuredClone(oct2025.timeline) as Record<string, unknown[]>;
    timeline.probe = [...timeline.probe!, { at: 18, do: 'probe', label: "after az-b's clean-up" }];
    expect(errorFor({ ...oct2025, timeline })).toContain('timeline.probe.1.label: "after az-b\'s clean-up" labels an earlier probe step too');
  });

  it('names a field the format does not have', () => {
    expect(errorFor({ ...oct2025, msPerSecond: 42 })).toContain('msPerSecond');
  });
});

describe('the JSON Schema for editors', () => {
  it('is the one scenarios/scenario.schema.json holds: generated from the zod schema (npm run schema rewrites it)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('is named by every shipped scenario, and describes gates and stories', () => {
    const schema = JSON.parse(scenarioJsonSchemaText());
    expect(oct2025.$schema).toBe('./scenario.schema.json');
    expect(schema.$defs.EventPattern.properties.actor.enum).toContain('probe');
    // A gate: one pattern, or a list of them.
    expect(
      schema.properties.timeline.properties['az-b'].items.oneOf[0].properties.after.anyOf.map(
        (form: { $ref?: string; items?: { $ref: string } }) => form.$ref ?? form.items?.$ref,
      ),
    ).toEqual(['#/$defs/EventPattern', '#/$defs/EventPattern']);
    expect(schema.properties.expect.properties.story.items.properties.event.$ref).toBe('#/$defs/EventPattern');
  });
});
