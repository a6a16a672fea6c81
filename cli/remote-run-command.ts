// `racelab run --target aws|localstack`: the terminal side of a deployed run
// (warnings, progress, Ctrl-C, the timeline or JSON, the exit code).
import type { RunReport, RunRequest } from '../scenario/run-report.ts';
import { onInterrupt } from './interrupt.ts';
import { renderTimeline } from '../report/render-timeline.ts';
import { styler } from '../report/style.ts';
import { EXIT } from '../scenario/usage-error.ts';
import { LOCALSTACK_ROUTE53_CAVEAT } from '../targets/localstack-caveat.ts';
import { resolveRemoteTarget } from '../targets/remote-clients.ts';
import { describeRemoteLab, openReadyRemoteLab } from '../targets/remote-lab.ts';
import { executionConsoleUrl, runOnRemoteLab, type ExecutionSummary } from '../targets/remote-run.ts';
import { TerminalProgress } from '../targets/run-progress.ts';
import { explainingErrors } from '../targets/target-errors.ts';
import type { RemoteTargetName, TargetOptions } from '../targets/target.ts';

export interface RemoteRunCommandOptions extends TargetOptions {
  json?: boolean;
  /** Called with the report once the run's events are read back (`run --save`). */
  onReport?: (report: RunReport) => Promise<void>;
}

/** "execution r-… ended FAILED: States.Timeout (cause)". */
export function describeExecutionEnd(execution: ExecutionSummary): string {
  const name = execution.arn?.split(':').at(-1) ?? 'the execution';
  const reason = [execution.error, execution.cause].filter(Boolean).join(': ');
  return `execution ${name} ended ${execution.status}${reason ? `: ${reason}` : ''}`;
}

export async function runRemoteCommand(name: RemoteTargetName, request: RunRequest, options: RemoteRunCommandOptions, runId: string): Promise<number> {
  const stderr = process.stderr;
  const watching = Boolean(stderr.isTTY) && !options.json;
  if (name === 'localstack') stderr.write(`${LOCALSTACK_ROUTE53_CAVEAT}\n`);
  const target = await resolveRemoteTarget(name, options);
  const lab = await openReadyRemoteLab(target);
  const interrupt = new AbortController();
  const stopListening = onInterrupt(() => interrupt.abort());
  try {
    if (watching) {
      stderr.write(`running ${request.scenario.name} on ${describeRemoteLab(lab)} (run ${runId}); scenario second 0 is a few seconds after the start…\n`);
    }
    const { report, execution } = await explainingErrors(target, () =>
      runOnRemoteLab(lab, request, {
        runId,
        signal: interrupt.signal,
        progress: watching ? (origin) => new TerminalProgress(stderr, origin) : undefined,
        warn: (message) => stderr.write(`${message}\n`),
        onStarted: (arn) => {
          if (watching) stderr.write(`execution: ${target.name === 'aws' ? executionConsoleUrl(target.region, arn) : arn}\n`);
        },
      }),
    );
    if (execution.status === 'NOT_STARTED') {
      stderr.write('(interrupted before the execution started: nothing ran)\n');
      return EXIT.interrupted;
    }
    await options.onReport?.(report);
    process.stdout.write(options.json ? `${JSON.stringify({ ...report, execution }, null, 2)}\n` : `${renderTimeline(report, styler(process.stdout))}\n`);
    if (execution.status === 'INTERRUPTED') {
      stderr.write('(interrupted: the execution was stopped; the timeline shows what the run-events table held by then)\n');
      return EXIT.interrupted;
    }
    if (execution.status !== 'SUCCEEDED') {
      stderr.write(`racelab: ${describeExecutionEnd(execution)}; the timeline above shows what the run-events table holds\n`);
      return EXIT.unexpected;
    }
    return report.asExpected ? EXIT.ok : EXIT.unexpected;
  } finally {
    stopListening();
    lab.close();
  }
}
