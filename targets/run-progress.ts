// Progress of a run on a deployed target, for a person watching a terminal:
// the run's events as they reach the run-events table, and a status line with
// the elapsed seconds. Nothing is printed when stderr is not a terminal.
import type { RunEvent } from '../lambdas/core/events.ts';
import { eventRow, changeFilter } from '../report/render-timeline.ts';

export interface RunProgress {
  /** All events read so far (the sink prints the new ones) and the time since the execution started. */
  update(elapsedMs: number, events: readonly RunEvent[]): void;
  finish(): void;
}

export const silentProgress: RunProgress = { update: () => undefined, finish: () => undefined };

/** One event as a short line; time in seconds since scenario second 0. */
export function progressLine(event: RunEvent, originMs: number): string {
  return eventRow(event, (event.at - originMs) / 1000);
}

const eventKey = (event: RunEvent) => `${event.at}|${event.actor}|${event.step}|${event.outcome}|${event.endpoint ?? ''}|${event.generation ?? ''}`;

export class TerminalProgress implements RunProgress {
  private readonly printed = new Set<string>();
  private readonly shown = changeFilter();
  private statusShown = false;

  /** @param originMs scenario second 0 (the run's start event) */
  constructor(
    private readonly stream: { write(text: string): unknown },
    private readonly originMs: number,
  ) {}

  update(elapsedMs: number, events: readonly RunEvent[]): void {
    const fresh = events.filter((event) => !this.printed.has(eventKey(event)));
    const lines: string[] = [];
    for (const event of fresh) {
      this.printed.add(eventKey(event));
      if (this.shown(event)) lines.push(progressLine(event, this.originMs));
    }
    const status = `  … running ${Math.round(elapsedMs / 1000)}s, ${this.printed.size} events (Ctrl-C stops the execution)`;
    this.stream.write(`${this.statusShown ? '\r\x1b[K' : ''}${lines.map((line) => `${line}\n`).join('')}${status}`);
    this.statusShown = true;
  }

  finish(): void {
    if (this.statusShown) this.stream.write('\r\x1b[K');
    this.statusShown = false;
  }
}
