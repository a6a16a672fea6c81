// The dashboard's custom metrics come from CloudWatch Embedded Metric Format
// lines the Probe and the Enactors print (lambdas/metrics.ts): nothing is
// printed unless RACELAB_METRICS=emf (the embedded target stays silent); the
// lines carry the namespace, dimension and names the dashboard searches for.
import { describe, expect, it } from 'vitest';
import { readMetricsMode } from '../../lambdas/config.ts';
import { METRIC_DIMENSION, METRIC_NAMES, METRICS_NAMESPACE, metricPoints, withMetrics } from '../../lambdas/metrics.ts';
import type { EventFields } from '../../lambdas/core/events.ts';
import { endpointSearch } from '../../infra/lab-dashboard.ts';

function recording(mode: 'emf' | undefined) {
  const recorded: EventFields[] = [];
  const lines: string[] = [];
  const record = withMetrics(
    async (fields) => void recorded.push(fields),
    'run-1',
    'az-a',
    mode,
    (line) => void lines.push(line),
  );
  return { record, recorded, lines };
}

describe('EMF metrics for the dashboard', () => {
  it('are off unless RACELAB_METRICS=emf, and refuse any other value', () => {
    expect(readMetricsMode({})).toBeUndefined();
    expect(readMetricsMode({ RACELAB_METRICS: 'emf' })).toBe('emf');
    expect(() => readMetricsMode({ RACELAB_METRICS: 'yes' })).toThrow(/RACELAB_METRICS is "yes"; it must be "emf" or unset/);
  });

  it('print nothing when off, and still record the event', async () => {
    const { record, recorded, lines } = recording(undefined);
    await record({ step: 'apply', outcome: 'applied', generation: 6, endpoint: 'dynamodb.us-east-1' });
    expect(recorded).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('turn an applied endpoint into one AppliedGeneration point, after recording it', async () => {
    const { record, recorded, lines } = recording('emf');
    await record({ step: 'apply', outcome: 'applied', generation: 2, endpoint: 'dynamodb.us-east-1' });
    await record({ step: 'apply', outcome: 'retry', generation: 2, endpoint: 'dynamodb.us-east-1' });
    expect(recorded).toHaveLength(2);
    expect(lines).toHaveLength(1);
    const document = JSON.parse(lines[0]!);
    expect(document).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: METRICS_NAMESPACE, Dimensions: [[METRIC_DIMENSION]], Metrics: [{ Name: METRIC_NAMES.appliedGeneration, StorageResolution: 1 }] },
        ],
      },
      [METRIC_DIMENSION]: 'dynamodb.us-east-1',
      [METRIC_NAMES.appliedGeneration]: 2,
      runId: 'run-1',
      actor: 'az-a',
    });
    expect(typeof document._aws.Timestamp).toBe('number');
  });

  it('turn a probe into one Addresses point per endpoint, 0 for an empty answer', () => {
    const points = metricPoints({
      step: 'probe',
      outcome: 'empty',
      addresses: { 'dynamodb.us-east-1': [], 'dynamodb-fips.us-east-1': ['10.10.0.11', '10.10.0.12'] },
    });
    expect(points).toEqual([
      { name: METRIC_NAMES.addresses, endpoint: 'dynamodb.us-east-1', value: 0, unit: 'Count' },
      { name: METRIC_NAMES.addresses, endpoint: 'dynamodb-fips.us-east-1', value: 2, unit: 'Count' },
    ]);
  });

  it('match what the dashboard searches for', () => {
    expect(endpointSearch(METRIC_NAMES.addresses, 'Minimum')).toBe(`SEARCH('{DnsRaceLab,Endpoint} MetricName="Addresses"', 'Minimum', 1)`);
  });
});
