// Saved runs: `racelab run --save FILE` keeps the run report (with every event)
// as JSON, and `racelab report FILE` reads it back. Any target's run can be saved:
// the report is built from the run-events table. A saved file may have been
// edited by hand: it is read within a size bound and checked against the
// schema below, so each mistake is named (exit 2) before anything renders it.
import { resolve } from 'node:path';
import * as z from 'zod';
import { EVENT_ACTORS, EVENT_OUTCOMES, RUNNER } from '../lambdas/core/events.ts';
import { CASCADE_LEVERS } from '../lambdas/core/cascade/settings.ts';
import { SAFEGUARDS } from '../lambdas/core/safeguards/index.ts';
import { OUTCOMES } from '../lambdas/core/verdict.ts';
import { readBounded, type BoundedText } from '../scenario/read-bounded.ts';
import type { RunReport } from '../scenario/run-report.ts';
import { ENDPOINTS_MAX, issueLines, LIST_MAX } from '../scenario/schema.ts';
import { terminalText } from '../scenario/terminal-text.ts';
import { checkOutput, FILE_FORMATS, MARKERS, OutputError } from './output-file.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';

/**
 * Bounds no real run comes near, so a hand-edited file cannot make `report`
 * run for minutes or write a page of gigabytes. oct-2025 saves 55 events in
 * 30 kB over 22 s; the longest run a scenario allows (an hour of probes, one a
 * second, beside 5 × 200 steps) has a few thousand events and lasts about an hour.
 */
export const SAVED_RUN_LIMITS = {
  /** Bytes in the file. */
  bytes: 32_000_000,
  events: 50_000,
  /** Seconds after the run's first event: a day. */
  seconds: 86_400,
  /** Characters of an event's detail (an error message at most). */
  detail: 10_000,
} as const;

const ISSUES_SHOWN = 5;

const atSeconds = z
  .number()
  .min(0)
  .max(SAVED_RUN_LIMITS.seconds, `must be at most ${SAVED_RUN_LIMITS.seconds} (seconds after the run's first event: a day; a run lasts minutes)`);
const name = z.string().max(256);
const addressMap = z.record(name, z.array(z.string().max(64)).max(1000));
const generation = z.number().int().min(0).max(1e9);

const eventSchema = z.object({
  runId: name,
  at: z.number().int().min(0).max(8.64e15),
  actor: z.enum([RUNNER, ...EVENT_ACTORS]),
  step: z.string().max(40),
  outcome: z.enum(EVENT_OUTCOMES),
  generation: generation.optional(),
  endpoint: name.optional(),
  over: generation.optional(),
  detail: z.string().max(SAVED_RUN_LIMITS.detail).optional(),
  addresses: addressMap.optional(),
  zoneAddresses: addressMap.optional(),
  metrics: z.record(z.string().max(64), z.number()).optional(),
  atSeconds,
});

// The report draws the series on the events' time axis: their seconds have the events' bound, and a figure one that no
// run comes near (a fleet has at most 49,500 droplets), so a hand-edited one cannot stretch a chart to nothing.
const FIGURE_MAX = 1e9;
const series = z
  .array(z.number().min(0).max(FIGURE_MAX, `must be at most ${FIGURE_MAX} (no run's figure comes near; a fleet has at most 49,500 droplets)`))
  .max(SAVED_RUN_LIMITS.events);
const cascadeSchema = z.object({
  dnsBackAtSeconds: atSeconds.nullable(),
  metastable: z.boolean(),
  goodputAfterDns: z.number().nullable(),
  recoveredAtSeconds: atSeconds.nullable(),
  series: z.object({
    atSeconds: z.array(atSeconds).max(SAVED_RUN_LIMITS.events),
    validLeases: series,
    goodput: series,
    backlog: series,
    launchSuccess: series,
    propagationDelaySeconds: series,
    nlbCapacity: series,
  }),
  phases: z.array(z.object({ atSeconds, subsystem: name, phase: name })).max(SAVED_RUN_LIMITS.events),
  expected: z.object({ metastable: z.boolean(), recovered: z.boolean() }).nullable(),
});

/** The run report as `run --save` writes it (scenario/run-report.ts); fields added since version 1 default when absent. */
const runReportSchema = z.object({
  scenario: name,
  target: name,
  runId: name,
  seed: z.number().int(),
  safeguards: z.array(z.enum(SAFEGUARDS)).max(SAFEGUARDS.length),
  outcome: z.enum(OUTCOMES),
  expected: z.enum(OUTCOMES),
  asExpected: z.boolean(),
  story: z
    .object({
      played: z.boolean(),
      events: z.array(z.object({ says: z.string().max(1000), seen: z.boolean(), atSeconds: atSeconds.optional() })).max(LIST_MAX.story),
    })
    .nullable(),
  eventsDigest: z.string().max(128),
  endpoints: z
    .array(
      z.object({
        endpoint: name,
        addresses: z.array(z.string().max(64)).max(1000),
        zoneAddresses: z.array(z.string().max(64)).max(1000).nullable().default(null),
        firstEmptyAtSeconds: atSeconds.nullable(),
        repaired: z.boolean(),
      }),
    )
    .max(ENDPOINTS_MAX),
  witnesses: z
    .object({
      compared: z.number().int().min(0),
      disagreements: z
        .array(z.object({ atSeconds, endpoint: name, resolver: z.array(z.string().max(64)), zone: z.array(z.string().max(64)), why: z.string().max(1000) }))
        .max(SAVED_RUN_LIMITS.events),
    })
    .default({ compared: 0, disagreements: [] }),
  automation: z.object({
    stuck: z.boolean(),
    stuckSteps: z
      .array(z.object({ actor: name, atSeconds, endpoint: name.optional(), detail: z.string().max(SAVED_RUN_LIMITS.detail).optional() }))
      .max(SAVED_RUN_LIMITS.events),
  }),
  levers: z.array(z.enum(CASCADE_LEVERS)).max(CASCADE_LEVERS.length).default([]),
  cascade: cascadeSchema.nullable().default(null),
  startedAt: z.string().max(64),
  events: z.array(eventSchema).max(SAVED_RUN_LIMITS.events, `a run has at most ${SAVED_RUN_LIMITS.events} events (an hour-long run has a few thousand)`),
}) satisfies z.ZodType<RunReport>;

const savedRunSchema = z.object({ kind: z.literal(MARKERS.savedRun.kind), version: z.literal(MARKERS.savedRun.version), report: runReportSchema });
/** What `racelab run --save` writes: the report, under the marker that makes the file racelab's. */
export interface SavedRun {
  kind: typeof MARKERS.savedRun.kind;
  version: typeof MARKERS.savedRun.version;
  report: RunReport;
}

/** Saves a run once it has ended; a save that fails is said after the run is printed, never instead of it. */
export interface RunSaver {
  /** Writes the saved run; a failed write is kept for exitCode, not thrown. */
  save: (report: RunReport) => Promise<void>;
  /** The run's exit code, once printed: a failed save is said last, on stderr, and a run that passed exits 1. */
  exitCode: (code: number) => number;
}

/** Checks the path before the run (a UsageError, exit 2, if it cannot be written); returns what saves the report after it. */
export async function savingTo(file: string, force: boolean): Promise<RunSaver> {
  const output = await checkOutput({ option: '--save', path: file, format: FILE_FORMATS.savedRun, force });
  let failure: string | undefined;
  return {
    save: async (report) => {
      const saved: SavedRun = { ...MARKERS.savedRun, report };
      try {
        await output.write(`${JSON.stringify(saved, null, 2)}\n`);
      } catch (error) {
        if (!(error instanceof OutputError)) throw error;
        failure = error.message;
      }
    },
    exitCode: (code) => {
      if (failure === undefined) return code;
      process.stderr.write(`racelab: ${failure}; the run is printed above, but it is not saved\n`);
      return code === EXIT.ok ? EXIT.unexpected : code;
    },
  };
}

const NOT_SAVED_RUN = 'is not a run saved by `racelab run --save`';

export async function loadSavedRun(file: string): Promise<RunReport> {
  const path = resolve(file);
  const read: BoundedText = await readBounded(path, SAVED_RUN_LIMITS.bytes).catch((error: NodeJS.ErrnoException) => {
    const why =
      error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a folder' : error.code === 'EACCES' ? 'permission denied' : error.message;
    throw new UsageError(`cannot read ${path}: ${why}`);
  });
  if (!read.complete) {
    const size = read.size === undefined ? `more than ${SAVED_RUN_LIMITS.bytes / 1e6} MB long` : `${(read.size / 1e6).toFixed(1)} MB`;
    throw new UsageError(`${path} is ${size}: larger than any saved run (at most ${SAVED_RUN_LIMITS.bytes / 1e6} MB; oct-2025's is 30 kB)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${terminalText((error as Error).message)}), so it ${NOT_SAVED_RUN}`);
  }
  const head = typeof data === 'object' && data !== null ? (data as { kind?: unknown; version?: unknown }) : {};
  if (head.kind !== MARKERS.savedRun.kind) throw new UsageError(`${path} ${NOT_SAVED_RUN}`);
  if (head.version !== MARKERS.savedRun.version) {
    throw new UsageError(`${path} was saved by another version of racelab (format ${terminalText(String(head.version))}); save the run again`);
  }
  const parsed = savedRunSchema.safeParse(data);
  if (!parsed.success) {
    throw new UsageError(`${path} is a saved run with mistakes, so no report is made from it:`, issueLines(parsed.error.issues, ISSUES_SHOWN));
  }
  return parsed.data.report;
}
