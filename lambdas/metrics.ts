// Run metrics for the CloudWatch dashboard, derived from the run events the
// handlers record anyway: a Recorder wrapper that, for the events that matter,
// also prints a CloudWatch Embedded Metric Format line on stdout. EMF needs no
// SDK call and no network (the Probe sits in an isolated subnet): Lambda ships
// stdout to CloudWatch Logs, which extracts the metric. Off unless the stack
// sets RACELAB_METRICS=emf, so embedded runs and tests print nothing.
import type { EventFields } from './core/events.ts';
import type { Recorder } from './core/ports.ts';
import { readMetricsMode, type MetricsMode } from './config.ts';

export const METRICS_NAMESPACE = 'DnsRaceLab';
export const METRIC_DIMENSION = 'Endpoint';
export const METRIC_NAMES = {
  /** Probe: how many distinct addresses an endpoint answered with (0 = the outage). */
  addresses: 'Addresses',
  /** Enactor: the generation an endpoint was just pointed at (a drop = a stale plan won). */
  appliedGeneration: 'AppliedGeneration',
} as const;

interface MetricPoint {
  name: string;
  endpoint: string;
  value: number;
  unit: 'Count' | 'None';
}

type Write = (line: string) => void;

// process.stdout, not console.log: Lambda's console prefixes each line with a
// timestamp and request id, and CloudWatch only extracts EMF from bare JSON.
const writeStdout: Write = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Wraps an actor's Recorder so the events the dashboard plots also become metrics. */
export function withMetrics(
  record: Recorder,
  runId: string,
  actor: string,
  mode: MetricsMode | undefined = readMetricsMode(),
  write: Write = writeStdout,
): Recorder {
  if (mode !== 'emf') return record;
  return async (fields) => {
    await record(fields);
    for (const point of metricPoints(fields)) write(emfLine(point, { runId, actor }, Date.now()));
  };
}

/** The metric points one run event carries; most events carry none. */
export function metricPoints(fields: EventFields): MetricPoint[] {
  if (fields.step === 'probe' && fields.addresses) {
    return Object.entries(fields.addresses).map(([endpoint, addresses]) => ({
      name: METRIC_NAMES.addresses,
      endpoint,
      value: addresses.length,
      unit: 'Count',
    }));
  }
  if (fields.step === 'apply' && fields.outcome === 'applied' && fields.endpoint !== undefined && fields.generation !== undefined) {
    return [{ name: METRIC_NAMES.appliedGeneration, endpoint: fields.endpoint, value: fields.generation, unit: 'None' }];
  }
  return [];
}

/** One EMF document. Run id and actor are properties, not dimensions: searchable in Logs Insights without a metric per run. */
export function emfLine(point: MetricPoint, properties: { runId: string; actor: string }, timestampMs: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          // High resolution: a race lasts about 20 s, so one-minute points would hide it.
          Metrics: [{ Name: point.name, Unit: point.unit, StorageResolution: 1 }],
        },
      ],
    },
    [METRIC_DIMENSION]: point.endpoint,
    [point.name]: point.value,
    ...properties,
  });
}
