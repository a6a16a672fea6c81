import { makeRecorder } from '../core/events.ts';
import { probeEndpoints, probeWithZone, type ProbeReading } from '../core/probe.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { withMetrics } from '../metrics.ts';
import { parseTaskInput, probeInputSchema } from '../task-input.ts';

export function probeHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'probe', 'probe', async (event: unknown) => {
      const input = parseTaskInput(probeInputSchema, event, 'probe');
      const { endpoints, probeSamples } = input.settings;
      // Both witnesses: the resolver (what clients see, caches included) and the zone itself (ListResourceRecordSets),
      // unless the Probe cannot reach the Route 53 API; then the resolver alone, every endpoint asked.
      const { addresses, zoneAddresses }: Partial<ProbeReading> & Pick<ProbeReading, 'addresses'> =
        deps.zoneReads === false
          ? { addresses: await probeEndpoints(deps.resolver, endpoints, deps.zone, probeSamples) }
          : await probeWithZone(deps.resolver, deps.dns, endpoints, deps.zone, probeSamples);
      const empty = Object.entries(addresses)
        .filter(([, list]) => list.length === 0)
        .map(([endpoint]) => endpoint);
      const outcome = empty.length ? 'empty' : 'answering';
      await withMetrics(
        makeRecorder(deps.events, deps.clock, input.runId, 'probe'),
        input.runId,
        'probe',
      )({ step: 'probe', outcome, detail: input.label, addresses, ...(zoneAddresses ? { zoneAddresses } : {}) });
      return { continue: true, status: outcome, addresses };
    }),
  );
}

export const handler = lambdaEntry(probeHandler);
