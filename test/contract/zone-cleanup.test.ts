// The delete-time zone clean-up (lambdas/zone-cleanup/), on the embedded
// Route 53 endpoint: after a real run has left its trees, aliases, TXT locks
// and rollback records in the zone, a Delete request empties it down to the
// apex SOA and NS, so the zone's deletion (which Route 53 refuses while other
// records remain) succeeds; it is idempotent, treats a zone already gone as
// done, changes nothing on Create and Update, and names a bad field.
import { DeleteHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZONE_CLEANUP_PHYSICAL_ID, zoneCleanupHandler } from '../../lambdas/zone-cleanup/handler.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION, startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';

let lab: EmbeddedLab;
let route53: Route53Client;
let handler: ReturnType<typeof zoneCleanupHandler>;
beforeEach(async () => {
  lab = await startEmbeddedLab();
  route53 = new Route53Client({ region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS, endpoint: lab.endpoints.route53 });
  handler = zoneCleanupHandler(route53);
});
afterEach(async () => {
  route53?.destroy();
  await lab?.close();
});

/** A request as CloudFormation sends it through CDK's Provider framework (which hides the ResponseURL). */
const request = (RequestType: 'Create' | 'Update' | 'Delete', zone = { HostedZoneId: lab.hostedZoneId, ZoneName: lab.zone }) => ({
  RequestType,
  ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:framework-onEvent',
  ResponseURL: '...',
  StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/DnsRaceLab/1',
  RequestId: 'r-1',
  LogicalResourceId: 'ZoneCleanupResource',
  ResourceType: 'Custom::LabZoneCleanup',
  ...(RequestType === 'Create' ? {} : { PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID }),
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:framework-onEvent', ...zone },
});

async function recordSets(): Promise<string[]> {
  const listed = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: lab.hostedZoneId }));
  return (listed.ResourceRecordSets ?? []).map((set) => `${set.Name} ${set.Type}${set.AliasTarget ? ' alias' : ''}`);
}

describe('the zone clean-up', () => {
  it('empties a zone a run left full down to its SOA and NS, after which Route 53 deletes the zone; again, it deletes nothing', async () => {
    await runScenarioEmbedded(lab, await loadScenario('oct-2025'), { runId: 'r-before-destroy', safeguards: ['write-time-check'] });
    const before = await recordSets();
    // What a run leaves: aliases to trees, TXT locks and rollback records, weighted trees.
    expect(before.filter((set) => set.endsWith(' alias')).length).toBeGreaterThan(0);
    expect(before.filter((set) => set.endsWith(' TXT')).length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(10);
    await expect(route53.send(new DeleteHostedZoneCommand({ Id: lab.hostedZoneId }))).rejects.toMatchObject({ name: 'HostedZoneNotEmpty' });

    const response = await handler(request('Delete'));

    expect(response).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID, Data: { RecordSetsDeleted: String(before.length - 2) } });
    expect((await recordSets()).sort()).toEqual([`${lab.zone}. NS`, `${lab.zone}. SOA`]);
    expect(await handler(request('Delete'))).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID, Data: { RecordSetsDeleted: '0' } });
    // What CloudFormation does next now succeeds.
    await route53.send(new DeleteHostedZoneCommand({ Id: lab.hostedZoneId }));
  });

  it('treats a zone that is already gone as done', async () => {
    await route53.send(new DeleteHostedZoneCommand({ Id: lab.hostedZoneId }));
    expect(await handler(request('Delete'))).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID, Data: { RecordSetsDeleted: '0' } });
  });

  it('deletes more record sets than one change batch holds', async () => {
    const { dns } = lab.deps();
    for (let batch = 0; batch < 5; batch += 1) {
      const records = Array.from({ length: 50 }, (_, i) => ({ name: `r${batch * 50 + i}.${lab.zone}`, type: 'TXT' as const, ttl: 60, values: [`"${i}"`] }));
      await dns.change(records.map((record) => ({ action: 'CREATE', record })));
    }
    expect(await handler(request('Delete'))).toMatchObject({ Data: { RecordSetsDeleted: '250' } });
    expect(await recordSets()).toHaveLength(2);
  });

  it('changes nothing on Create and Update, and keeps one physical id (a new one would have CloudFormation delete the old)', async () => {
    await runScenarioEmbedded(lab, await loadScenario('oct-2025'), { runId: 'r-standing', safeguards: [] });
    const before = await recordSets();
    expect(await handler(request('Create'))).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID });
    expect(await handler(request('Update'))).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID });
    expect(await recordSets()).toEqual(before);
  });

  it('names the field that is missing from a request', async () => {
    const { HostedZoneId: _dropped, ...withoutId } = request('Delete').ResourceProperties;
    await expect(handler({ ...request('Delete'), ResourceProperties: withoutId })).rejects.toThrow(
      /^zone-cleanup input is invalid: ResourceProperties\.HostedZoneId: /,
    );
    await expect(handler({ ...request('Delete'), RequestType: 'Remove' })).rejects.toThrow(/^zone-cleanup input is invalid: RequestType: /);
  });
});
