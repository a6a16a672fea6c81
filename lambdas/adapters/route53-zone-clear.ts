// Emptying a hosted zone down to what Route 53 keeps (its apex SOA and NS), in
// one place for everything that does it: `racelab reset` and `racelab teardown`
// with the CLI's client, and the stack's delete-time zone clean-up Lambda
// (lambdas/zone-cleanup/), which lets a plain `cdk destroy` delete the zone.
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { canonicalName } from '../core/dns-records.ts';

/** Route 53 takes up to 1,000 changes (and 32,000 characters of values) per batch; smaller batches keep each request well under both. */
export const CHANGE_BATCH_SIZE = 100;

async function allRecordSets(client: Route53Client, hostedZoneId: string): Promise<ResourceRecordSet[]> {
  const sets: ResourceRecordSet[] = [];
  let input: ListResourceRecordSetsCommandInput = { HostedZoneId: hostedZoneId };
  for (;;) {
    const page = await client.send(new ListResourceRecordSetsCommand(input));
    sets.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return sets;
    input = {
      HostedZoneId: hostedZoneId,
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      StartRecordIdentifier: page.NextRecordIdentifier,
    };
  }
}

/** A zone keeps its apex SOA and NS; Route 53 refuses to delete them. */
export function isApexSoaOrNs(set: ResourceRecordSet, zoneName: string): boolean {
  return (set.Type === 'SOA' || set.Type === 'NS') && canonicalName(set.Name ?? '') === canonicalName(zoneName);
}

/**
 * Deletes every record set but the apex SOA and NS, each exactly as listed
 * (Route 53's DELETE must match), in batches. Returns how many were deleted.
 */
export async function clearHostedZone(client: Route53Client, hostedZoneId: string, zoneName: string, comment = 'racelab reset'): Promise<number> {
  const removable = (await allRecordSets(client, hostedZoneId)).filter((set) => !isApexSoaOrNs(set, zoneName));
  for (let i = 0; i < removable.length; i += CHANGE_BATCH_SIZE) {
    const changes = removable.slice(i, i + CHANGE_BATCH_SIZE).map((set) => ({ Action: 'DELETE' as const, ResourceRecordSet: set }));
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: { Comment: comment, Changes: changes } }));
  }
  return removable.length;
}
