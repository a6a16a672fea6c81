// The run on one CloudWatch dashboard: what each endpoint answered (Probe),
// which generation each endpoint was pointed at (Enactor), and the Enactors'
// Lambda errors. The first two are EMF metrics (lambdas/metrics.ts) found by
// SEARCH, so any scenario's endpoints appear without redeploying.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { EnactorId } from '../lambdas/core/events.ts';
import { METRIC_DIMENSION, METRIC_NAMES, METRICS_NAMESPACE } from '../lambdas/metrics.ts';

export interface LabDashboardProps {
  enactors: Record<EnactorId, lambda.IFunction>;
}

/** The EMF metrics are high resolution: a race lasts about 20 s. */
const RACE_PERIOD = Duration.seconds(1);
const WIDGET_HEIGHT = 8;

/** Every endpoint's series of one EMF metric, whatever scenario produced it. */
export function endpointSearch(metricName: string, statistic: 'Minimum' | 'Maximum'): string {
  return `SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION}} MetricName="${metricName}"', '${statistic}', ${RACE_PERIOD.toSeconds()})`;
}

export class LabDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: LabDashboardProps) {
    super(scope, id);
    // Minimum: one empty answer within a second is the outage, however many full ones surround it.
    const addresses = new cloudwatch.GraphWidget({
      title: 'Addresses per endpoint (Probe, via the VPC resolver; 0 = empty answer)',
      left: [
        new cloudwatch.MathExpression({ expression: endpointSearch(METRIC_NAMES.addresses, 'Minimum'), usingMetrics: {}, period: RACE_PERIOD, label: '' }),
      ],
      leftYAxis: { min: 0, showUnits: false },
      width: 12,
      height: WIDGET_HEIGHT,
    });
    const generations = new cloudwatch.GraphWidget({
      title: 'Applied generation per endpoint (Enactor; a drop = a stale plan won)',
      left: [
        new cloudwatch.MathExpression({
          expression: endpointSearch(METRIC_NAMES.appliedGeneration, 'Maximum'),
          usingMetrics: {},
          period: RACE_PERIOD,
          label: '',
        }),
      ],
      leftYAxis: { min: 0, showUnits: false },
      width: 12,
      height: WIDGET_HEIGHT,
    });
    const errors = new cloudwatch.GraphWidget({
      title: 'Enactor errors (Lambda Errors per function)',
      left: Object.entries(props.enactors).map(([enactor, fn]) =>
        fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), label: enactor }),
      ),
      leftYAxis: { min: 0, showUnits: false },
      width: 24,
      height: 6,
    });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Named after the stack: the one dashboard to open, easy to find in the console.
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.minutes(15),
      widgets: [[addresses, generations], [errors]],
    });
  }
}
