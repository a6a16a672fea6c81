// The lab zone's negative caching. Route 53 creates every hosted zone's SOA
// itself (TTL 900, last field 86400), and a resolver may cache an NXDOMAIN or
// NODATA answer for the lesser of the two: 15 minutes, far longer than a run.
// CloudFormation cannot set a zone's SOA (AWS::Route53::RecordSet creates,
// and the SOA already exists), so two SDK calls at deploy time do it: read the
// SOA Route 53 made, then UPSERT it with the last field and the record's TTL at
// NEGATIVE_TTL_SECONDS, every other field as Route 53 made it.
import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { NEGATIVE_TTL_SECONDS } from '../lambdas/core/dns-tree.ts';
import { ZONE_SOA_READ_ACTIONS, ZONE_SOA_WRITE_ACTIONS, type Route53Action } from './lab-access.ts';

/** The SOA value's fields: primary name server, admin, serial, refresh, retry, expire, minimum (the negative TTL). */
const SOA_FIELDS = 7;

export class LabZoneSoa extends Construct {
  constructor(scope: Construct, id: string, zone: route53.IHostedZone) {
    super(scope, id);
    // Our own role, as for the lab functions: logs to its own log group only, no managed policy.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "dns-race-lab: sets the lab zone's SOA negative-caching TTL at deploy time",
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(role);
    const onZone = (actions: readonly Route53Action[]) =>
      AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: [...actions], resources: [zone.hostedZoneArn] })]);
    const physicalResourceId = PhysicalResourceId.of(`${zone.hostedZoneId}-soa`);
    const common = { role, logGroup, installLatestAwsSdk: false };

    // The apex's record sets list NS before SOA: start at the SOA type, take one.
    const read: AwsSdkCall = {
      service: 'Route53',
      action: 'listResourceRecordSets',
      parameters: { HostedZoneId: zone.hostedZoneId, StartRecordName: zone.zoneName, StartRecordType: 'SOA', MaxItems: 1 },
      physicalResourceId,
      outputPaths: ['ResourceRecordSets.0.ResourceRecords.0.Value'],
    };
    const generated = new AwsCustomResource(this, 'Read', { ...common, policy: onZone(ZONE_SOA_READ_ACTIONS), onCreate: read, onUpdate: read });
    const fields = Fn.split(' ', generated.getResponseField('ResourceRecordSets.0.ResourceRecords.0.Value'), SOA_FIELDS);
    const value = Fn.join(' ', [...fields.slice(0, SOA_FIELDS - 1), String(NEGATIVE_TTL_SECONDS)]);
    const upsert: AwsSdkCall = {
      service: 'Route53',
      action: 'changeResourceRecordSets',
      parameters: {
        HostedZoneId: zone.hostedZoneId,
        ChangeBatch: {
          Comment: 'dns-race-lab: negative answers cached for at most one probe interval',
          Changes: [
            { Action: 'UPSERT', ResourceRecordSet: { Name: zone.zoneName, Type: 'SOA', TTL: NEGATIVE_TTL_SECONDS, ResourceRecords: [{ Value: value }] } },
          ],
        },
      },
      physicalResourceId,
    };
    // No onDelete: the zone goes with the stack, and a zone's SOA cannot be deleted.
    new AwsCustomResource(this, 'Upsert', { ...common, policy: onZone(ZONE_SOA_WRITE_ACTIONS), onCreate: upsert, onUpdate: upsert });
  }
}
