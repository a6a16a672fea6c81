// Whether the state machine deployed for a scenario still is the one the
// scenario file builds. The schedule the CLI sends is computed from the file;
// a deployed machine built from an older version of it waits for other
// instants (or for schedule keys that no longer exist), so the run would not
// be the scenario the user asked for.
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { buildScenarioDefinition } from '../infra/scenario-definition.ts';
import type { Scenario } from '../scenario/schema.ts';

const PLACEHOLDER = /^\$\{[A-Za-z0-9]+\}$/;

/**
 * Deep equality where a "${Placeholder}" in the expected definition (a function
 * ARN that DefinitionSubstitutions fills in at deploy time) matches any string.
 */
export function matchesDefinition(deployed: unknown, expected: unknown): boolean {
  if (typeof expected === 'string' && PLACEHOLDER.test(expected)) return typeof deployed === 'string';
  if (Array.isArray(expected)) {
    return Array.isArray(deployed) && deployed.length === expected.length && expected.every((item, i) => matchesDefinition(deployed[i], item));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof deployed !== 'object' || deployed === null || Array.isArray(deployed)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(deployed).length &&
      keys.every((key) => matchesDefinition((deployed as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]))
    );
  }
  return deployed === expected;
}

/**
 * 'matches', 'differs', or 'unknown' when the definition cannot be read
 * (no states:DescribeStateMachine, an emulator without it): the run goes on then.
 */
export async function compareDeployedDefinition(
  stepFunctions: SFNClient,
  stateMachineArn: string,
  scenario: Scenario,
): Promise<'matches' | 'differs' | 'unknown'> {
  let definition: unknown;
  try {
    const described = await stepFunctions.send(new DescribeStateMachineCommand({ stateMachineArn }));
    definition = JSON.parse(described.definition ?? '');
  } catch {
    return 'unknown';
  }
  return matchesDefinition(definition, buildScenarioDefinition(scenario).definition) ? 'matches' : 'differs';
}
