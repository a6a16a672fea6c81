// `racelab doctor --target aws`: what the account must offer before a deploy.
// The stack puts Route 53's interface endpoint (com.amazonaws.route53) in the
// first of its two AZs, and never looks the account up at synth (lab-stack.ts),
// so only the account can say whether AWS offers the service in that AZ; a
// missing one fails the deploy at the endpoint. EC2 tells: the AZs the stack
// would use (context availabilityZones, or what Fn::GetAZs gives) and the AZs
// DescribeVpcEndpointServices lists for the service.
import {
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointServicesCommand,
  EC2Client,
  type AvailabilityZone,
} from '@aws-sdk/client-ec2';
import { AVAILABILITY_ZONES_CONTEXT, LAB_AVAILABILITY_ZONES, ROUTE53_ENDPOINT_REGION, ROUTE53_ENDPOINT_SERVICE } from '../infra/lab-placement.ts';
import type { TargetCheck } from './localstack-doctor.ts';
import { configFor } from './remote-clients.ts';
import { errorName, isAccessDenied, isTargetUnusable } from './target-errors.ts';
import type { RemoteTarget } from './target.ts';

export const ROUTE53_ENDPOINT_CHECK = `Route 53's interface endpoint (${ROUTE53_ENDPOINT_SERVICE}) is offered in the AZ the stack puts it in`;

/** What the check found, for --json: the AZs the stack would use, where they came from, and where AWS offers the service. */
export interface EndpointPlacement {
  region: string;
  /** The lab's AZs in the stack's order (the endpoint goes into the first); undefined when the check was skipped or failed. */
  labZones?: string[];
  /** "--availability-zones", or "Fn::GetAZs" (as EC2 reproduces it). */
  labZonesFrom?: string;
  /** The AZs DescribeVpcEndpointServices lists for the service. */
  serviceZones?: string[];
}

export interface AwsDoctorResult {
  checks: TargetCheck[];
  placement: EndpointPlacement;
}

/** The EC2 calls, by the permission each needs: named when AWS refuses one. */
const PERMISSION = {
  zones: 'ec2:DescribeAvailabilityZones',
  subnets: 'ec2:DescribeSubnets',
  service: 'ec2:DescribeVpcEndpointServices',
} as const;

class Refused extends Error {
  constructor(
    readonly permission: string,
    override readonly cause: unknown,
  ) {
    super(permission);
  }
}

async function call<T>(permission: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Credentials or network trouble ends the doctor with its fix; a refused or failed EC2 call only leaves this check unknown.
    if (isTargetUnusable(error) && !isAccessDenied(error)) throw error;
    throw new Refused(permission, error);
  }
}

/**
 * The AZs CloudFormation's Fn::GetAZs gives for the account and region, as far as EC2 shows them: the region's
 * availability zones (not Local or Wavelength Zones) the account may use, in alphabetical order, only those with
 * a default subnet unless none has one (CloudFormation's documentation of Fn::GetAZs). An approximation: AWS
 * says the order is not guaranteed, and does not say whether an AZ in another state than "available" is given.
 */
export async function getAzsAsEc2ShowsThem(ec2: EC2Client): Promise<string[]> {
  const { AvailabilityZones: zones = [] } = await call(PERMISSION.zones, () =>
    ec2.send(
      new DescribeAvailabilityZonesCommand({
        Filters: [
          { Name: 'zone-type', Values: ['availability-zone'] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    ),
  );
  const { Subnets: defaults = [] } = await call(PERMISSION.subnets, () =>
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })),
  );
  const withDefault = new Set(defaults.map((subnet) => subnet.AvailabilityZone));
  const names = zones.map((zone: AvailabilityZone) => zone.ZoneName).filter((name): name is string => Boolean(name));
  const usable = withDefault.size ? names.filter((name) => withDefault.has(name)) : names;
  return [...new Set(usable)].sort();
}

/** The AZs AWS offers the service in, in this region; [] when it does not offer it here at all. */
async function serviceZones(ec2: EC2Client): Promise<string[]> {
  try {
    const { ServiceDetails: details = [] } = await call(PERMISSION.service, () =>
      ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [ROUTE53_ENDPOINT_SERVICE] })),
    );
    const service = details.find((detail) => detail.ServiceName === ROUTE53_ENDPOINT_SERVICE);
    return [...(service?.AvailabilityZones ?? [])].sort();
  } catch (error) {
    if (error instanceof Refused && errorName(error.cause) === 'InvalidServiceName') return [];
    throw error;
  }
}

const list = (zones: readonly string[]) => (zones.length ? zones.join(', ') : 'none');

/** Two AZs for `-c availabilityZones`: the account's first AZ that offers the service, then its first other one. */
function suggestedZones(candidates: readonly string[], offered: ReadonlySet<string>): string[] | undefined {
  const first = candidates.find((zone) => offered.has(zone));
  const second = candidates.find((zone) => zone !== first);
  return first && second ? [first, second] : undefined;
}

/**
 * Checks that AWS offers com.amazonaws.route53 in the first of the lab's AZs: `zones` when the user names them
 * (the value of `-c availabilityZones`), else the first two Fn::GetAZs would give. Skipped outside us-east-1,
 * where the stack creates no endpoint (the Route53EndpointRegion condition).
 */
export async function route53EndpointCheck(ec2: EC2Client, region: string, zones?: readonly string[]): Promise<AwsDoctorResult> {
  const placement: EndpointPlacement = { region };
  if (region !== ROUTE53_ENDPOINT_REGION) {
    const found =
      `not needed in ${region}: the stack creates Route 53's interface endpoint only in ${ROUTE53_ENDPOINT_REGION}, where AWS ` +
      'offers it; here the Probe reads no zone, only DNS';
    return { checks: [{ name: ROUTE53_ENDPOINT_CHECK, status: 'skipped', found }], placement };
  }
  let accountZones: string[];
  try {
    accountZones = await getAzsAsEc2ShowsThem(ec2);
    placement.labZones = zones ? [...zones] : accountZones.slice(0, LAB_AVAILABILITY_ZONES);
    placement.labZonesFrom = zones ? '--availability-zones' : 'Fn::GetAZs';
    placement.serviceZones = await serviceZones(ec2);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    const said = `${errorName(error.cause) || 'Error'}: ${(error.cause instanceof Error ? error.cause.message : String(error.cause)).split('\n')[0]}`;
    const denied = isAccessDenied(error.cause);
    const fix = denied
      ? `use a profile allowed ${PERMISSION.zones}, ${PERMISSION.subnets} and ${PERMISSION.service} (read-only; the deploy's Fn::GetAZs ` +
        'needs the first two too), or check by hand: aws ec2 describe-vpc-endpoint-services --service-names ' +
        `${ROUTE53_ENDPOINT_SERVICE} --region ${region} --query 'ServiceDetails[].AvailabilityZones'`
      : 'run the doctor again';
    const found = denied ? `AWS refused ${error.permission} (${said})` : `${error.permission} failed (${said})`;
    return { checks: [{ name: ROUTE53_ENDPOINT_CHECK, status: 'unknown', found, fix }], placement };
  }
  const offered = new Set(placement.serviceZones);
  const [endpointZone] = placement.labZones;
  const lab =
    `the lab's AZs (${placement.labZonesFrom}): ${list(placement.labZones)}; ` + `${ROUTE53_ENDPOINT_SERVICE} is offered in ${list(placement.serviceZones)}`;
  if (endpointZone && offered.has(endpointZone)) {
    return { checks: [{ name: ROUTE53_ENDPOINT_CHECK, status: 'ok', found: `offered in ${endpointZone}; ${lab}` }], placement };
  }
  const suggestion = suggestedZones(accountZones, offered);
  const fix = suggestion
    ? `deploy with two AZs of ${region}, the first offering the service: \`npx cdk deploy -c ${AVAILABILITY_ZONES_CONTEXT}=${suggestion.join(',')}\` ` +
      `(check them first: \`npx racelab doctor --target aws --availability-zones ${suggestion.join(',')}\`)`
    : `AWS offers ${ROUTE53_ENDPOINT_SERVICE} in none of this account's AZs of ${region}: the stack cannot be deployed here as it is`;
  const where = endpointZone ? `not offered in ${endpointZone}, where the stack would put the endpoint` : 'no AZ found for the lab';
  return { checks: [{ name: ROUTE53_ENDPOINT_CHECK, status: 'gap', found: `${where} (the deploy would fail there); ${lab}`, fix }], placement };
}

/** The checks `doctor --target aws` makes before it needs the stack, with an EC2 client of its own. */
export async function awsDoctorChecks(target: RemoteTarget, zones?: readonly string[]): Promise<AwsDoctorResult> {
  const ec2 = new EC2Client(configFor(target, 'ec2'));
  try {
    return await route53EndpointCheck(ec2, target.region, zones);
  } finally {
    ec2.destroy();
  }
}
