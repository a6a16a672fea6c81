// What the scenario runner needs of a lab: the ports each handler gets, and
// the read a gate makes of the run-events table.
import type { EventPatterns } from '../lambdas/core/event-pattern.ts';
import type { Clock } from '../lambdas/core/ports.ts';
import type { LabDeps } from '../lambdas/deps.ts';

export interface ScenarioLab {
  tables: { events: string };
  /**
   * Whether its calls are real I/O, which may end in any order: the
   * simulation then runs them one at a time. Calls that end within the
   * microtask queue (the in-memory lab's) cannot overlap, and need no turns.
   */
  realIo: boolean;
  deps(clock?: Clock): LabDeps;
  /**
   * Answers a gate's Query as Step Functions' aws-sdk:dynamodb:query
   * integration does: `input` is the API request, the result the API response
   * (its Count is what the gate reads). `pattern` is what the Query filters on (a list: any of them).
   */
  gateQuery(input: unknown, pattern: EventPatterns): Promise<{ Count?: number }>;
}
