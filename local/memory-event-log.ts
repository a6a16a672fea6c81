import { byTime, type EventLog, type RunEvent } from '../lambdas/core/events.ts';

export class MemoryEventLog implements EventLog {
  readonly events: RunEvent[] = [];

  async append(event: RunEvent): Promise<void> {
    this.events.push({ ...event });
  }

  async list(runId: string): Promise<RunEvent[]> {
    return this.events.filter((event) => event.runId === runId).sort(byTime);
  }
}
