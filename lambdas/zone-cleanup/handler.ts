// The zone clean-up's Lambda (infra/lab-zone-cleanup.ts): CloudFormation cannot
// delete a hosted zone that holds record sets other than its SOA and NS, and
// every run leaves trees, aliases, locks and rollback records behind. When the
// stack is deleted, this empties the zone first, so a plain `cdk destroy`
// succeeds. It changes nothing on Create and Update: while the stack stands,
// the zone is the Enactors'.
import { Route53Client } from '@aws-sdk/client-route-53';
import { clearHostedZone } from '../adapters/route53-zone-clear.ts';
import { boundedClientConfig } from '../adapters/sdk-clients.ts';
import { LAMBDA_SDK_BOUNDS } from '../config.ts';
import { hasErrorName } from '../adapters/sdk-errors.ts';
import { parseTaskInput, zoneCleanupEventSchema } from '../task-input.ts';

/**
 * One id for the life of the resource: a new id on Update would have CloudFormation send a Delete for
 * the old one, which would empty the zone while the stack stands.
 */
export const ZONE_CLEANUP_PHYSICAL_ID = 'dns-race-lab-zone-cleanup';
const COMMENT = 'dns-race-lab: emptied so CloudFormation can delete the zone';

/** What the Provider framework hands back to CloudFormation. */
export interface ZoneCleanupResponse {
  PhysicalResourceId: string;
  Data?: { RecordSetsDeleted: string };
}

export function zoneCleanupHandler(route53: Route53Client): (event: unknown) => Promise<ZoneCleanupResponse> {
  return async (event) => {
    const request = parseTaskInput(zoneCleanupEventSchema, event, 'zone-cleanup');
    const PhysicalResourceId = request.PhysicalResourceId ?? ZONE_CLEANUP_PHYSICAL_ID;
    if (request.RequestType !== 'Delete') return { PhysicalResourceId };
    const { HostedZoneId, ZoneName } = request.ResourceProperties;
    try {
      const deleted = await clearHostedZone(route53, HostedZoneId, ZoneName, COMMENT);
      console.log(`deleted ${deleted} record set${deleted === 1 ? '' : 's'} from ${ZoneName} (${HostedZoneId}); its SOA and NS go with the zone`);
      return { PhysicalResourceId, Data: { RecordSetsDeleted: String(deleted) } };
    } catch (error) {
      // Already gone (deleted by hand, or a retried stack deletion): nothing is left to empty.
      if (!hasErrorName(error, 'NoSuchHostedZone')) throw error;
      console.log(`zone ${HostedZoneId} no longer exists; nothing to delete`);
      return { PhysicalResourceId, Data: { RecordSetsDeleted: '0' } };
    }
  };
}

// Built at load, as Lambda advises: a warm environment reuses the client's connections. Bounded like the lab
// functions' clients, so a call that never answers fails the deletion well inside the function's 300 s.
export const handler = zoneCleanupHandler(new Route53Client(boundedClientConfig(LAMBDA_SDK_BOUNDS.route53)));
