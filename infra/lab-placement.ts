// Where the stack puts its network: how many AZs, which ones, and the Route 53
// interface endpoint's service and region. No CDK import, so that
// `racelab doctor --target aws` checks the same facts the stack is built from
// without loading the CDK.

/** Two AZs: Lambda's advice for a VPC function, and all the Probe needs; the stack picks them (lab-stack.ts). */
export const LAB_AVAILABILITY_ZONES = 2;

/** The context key that names the VPC's AZs (`-c availabilityZones=us-east-1a,us-east-1c`); the first holds the Route 53 endpoint. */
export const AVAILABILITY_ZONES_CONTEXT = 'availabilityZones';

/**
 * Route 53's API through AWS PrivateLink: the service com.amazonaws.route53, which AWS hosts in us-east-1
 * only. Elsewhere the VPC gets no endpoint and the Probe reads no zone (lab-functions.ts tells it).
 */
export const ROUTE53_ENDPOINT_SERVICE = 'com.amazonaws.route53';
export const ROUTE53_ENDPOINT_REGION = 'us-east-1';

/** A list of AZ names as context or an option gives it: an array, or one string separated by commas or spaces; undefined when empty. */
export function availabilityZoneList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return (Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/)).filter(Boolean);
}

/** Whether these can be the lab's AZs: LAB_AVAILABILITY_ZONES different AZ names of the region. */
export function areLabAvailabilityZones(zones: readonly string[], region: string): boolean {
  return zones.length === LAB_AVAILABILITY_ZONES && new Set(zones).size === zones.length && zones.every((zone) => new RegExp(`^${region}[a-z]$`).test(zone));
}
