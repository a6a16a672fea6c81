// `racelab doctor --target localstack`: what the running LocalStack lacks for
// the lab, each gap with its fix. Its own endpoints say which version and
// edition run, which services are up and whether the license is active
// (/_localstack/health and /_localstack/info, as LocalStack's source serves
// them); its DNS server is asked for a name the lab zone holds, as the Probe
// asks it from inside a Lambda. The Route 53 preconditions are the conformance
// cases' part (route53-doctor.ts).
import { ChangeResourceRecordSetsCommand, type Change, type Route53Client } from '@aws-sdk/client-route-53';
import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { DnsResolver } from '../lambdas/adapters/dns-resolver.ts';
import { plain } from '../report/style.ts';
import type { StackOutputs } from './deployed-stack.ts';
import { runningExecutions, type ReadyRemoteLab } from './remote-lab.ts';
import { LOCALSTACK_IMAGES, LOCALSTACK_START } from './localstack-caveat.ts';
import { explainTargetError, TargetError } from './target-errors.ts';
import type { RemoteTarget } from './target.ts';

type Paint = typeof plain;

/**
 * ok: nothing to do; gap: the lab cannot be trusted here until the fix; unknown: could not be checked (the fix says how to let it);
 * skipped: does not apply here (found says why).
 */
export type CheckStatus = 'ok' | 'gap' | 'unknown' | 'skipped';

export interface TargetCheck {
  name: string;
  status: CheckStatus;
  found: string;
  fix?: string;
}

export interface LocalStackStatus {
  version: string;
  /** "community", "pro", "enterprise"… as LocalStack reports it; "unknown" if it does not. */
  edition: string;
  /** Service name → state ("available", "running", "disabled", "error"…). */
  services: Record<string, string>;
  /** From /_localstack/info; undefined when that endpoint is missing (older versions). */
  licenseActivated?: boolean;
}

/** What the stack and cdklocal use: CloudFormation and the bootstrap (S3, SSM, IAM, STS), and the lab's own services. */
export const LAB_SERVICES = ['cloudformation', 'dynamodb', 'ec2', 'iam', 'lambda', 'logs', 'route53', 's3', 'ssm', 'stepfunctions', 'sts'] as const;
/** LocalStack starts services lazily: "available" ones start on their first call. */
const USABLE_STATES = new Set(['available', 'running', 'starting']);
const TIMEOUT_MS = 5_000;

/** GET with node:http(s) rather than fetch, which refuses some ports outright ("bad port") before any connection. */
function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: TIMEOUT_MS }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined; // not JSON: not LocalStack's endpoint
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer from ${url} in ${TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads /_localstack/health (services, edition, version) and /_localstack/info
 * (is_license_activated). Nothing listening is a TargetError that says how to
 * start LocalStack; something that is not LocalStack is one too.
 */
export async function readLocalStack(target: RemoteTarget): Promise<LocalStackStatus> {
  const endpoint = target.endpoints.cloudformation!.replace(/\/+$/, '');
  let health: { status: number; body: unknown };
  try {
    health = await getJson(`${endpoint}/_localstack/health`);
  } catch (error) {
    throw explainTargetError(error, target); // ECONNREFUSED and the like: how to start LocalStack
  }
  if (health.status !== 200 || !isRecord(health.body) || !isRecord(health.body.services)) {
    throw new TargetError(
      `${endpoint} answers, but not as LocalStack does (GET /_localstack/health gave HTTP ${health.status}); point AWS_ENDPOINT_URL at LocalStack, ` +
        `or start it: \`${LOCALSTACK_START}\``,
    );
  }
  const info = await getJson(`${endpoint}/_localstack/info`).catch(() => undefined);
  const activated = info?.status === 200 && isRecord(info.body) ? info.body.is_license_activated : undefined;
  return {
    version: String(health.body.version ?? 'unknown'),
    edition: String(health.body.edition ?? 'unknown'),
    services: Object.fromEntries(Object.entries(health.body.services).map(([name, state]) => [name, String(state)])),
    licenseActivated: typeof activated === 'boolean' ? activated : undefined,
  };
}

export const isCommunity = (status: LocalStackStatus) => status.edition === 'community';

/** The checks that LocalStack's own endpoints answer: the services the lab needs, and the license. */
export function localStackChecks(status: LocalStackStatus): TargetCheck[] {
  const down = LAB_SERVICES.filter((service) => !USABLE_STATES.has(status.services[service] ?? 'missing'));
  const checks: TargetCheck[] = [
    down.length
      ? {
          name: 'the services the lab uses are enabled',
          status: 'gap',
          found: down.map((service) => `${service}: ${status.services[service] ?? 'not offered'}`).join(', '),
          fix: `start LocalStack without SERVICES, or with SERVICES=${LAB_SERVICES.join(',')}`,
        }
      : { name: 'the services the lab uses are enabled', status: 'ok', found: LAB_SERVICES.join(', ') },
  ];
  if (!isCommunity(status) && status.licenseActivated === false) {
    checks.push({
      name: 'the license is active',
      status: 'gap',
      found: `LocalStack ${status.version} (${status.edition}) reports is_license_activated: false`,
      fix: `export LOCALSTACK_AUTH_TOKEN=<your auth token> (app.localstack.cloud, Auth Tokens) and restart LocalStack: \`${LOCALSTACK_START}\``,
    });
  } else if (status.licenseActivated) {
    checks.push({ name: 'the license is active', status: 'ok', found: `LocalStack ${status.version} (${status.edition})` });
  }
  return checks;
}

/** "host:port" of LocalStack's DNS server as seen from here: the endpoint's host, port 53 (published with -p 127.0.0.1:53:53/udp). */
export function defaultDnsServer(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  return `${host === 'localhost' ? '127.0.0.1' : host}:53`;
}

/** TEST-NET-1 (RFC 5737): an address that means nothing anywhere, for the check's own record. */
const CHECK_ADDRESS = '192.0.2.53';
/** The resolver's codes for "no server answered", as opposed to an answer without the address. */
const NO_SERVER = new Set(['ECONNREFUSED', 'ETIMEOUT', 'ETIMEDOUT', 'ECANCELLED']);
const DNS_CHECK = "LocalStack's DNS server answers the lab zone's names (as the Probe asks them, from inside a Lambda)";

/**
 * Writes an A record of its own into the lab zone, asks LocalStack's DNS
 * server for it, and deletes it again. The Probe resolves the lab's names
 * through that server, so a server that does not answer them makes every
 * endpoint look empty, whatever the zone holds.
 */
export async function checkLabZoneDns(route53: Route53Client, outputs: StackOutputs, server: string, status: LocalStackStatus): Promise<TargetCheck> {
  const name = `racelab-doctor-${randomUUID().slice(0, 8)}.${outputs.zoneName}`;
  const change = (Action: Change['Action']): Change => ({
    Action,
    ResourceRecordSet: { Name: name, Type: 'A', TTL: 1, ResourceRecords: [{ Value: CHECK_ADDRESS }] },
  });
  const send = (action: Change['Action']) =>
    route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: outputs.hostedZoneId, ChangeBatch: { Changes: [change(action)] } }));
  await send('CREATE');
  let answer: string[] | Error;
  try {
    answer = await new DnsResolver(server).resolve4(name).catch((error: Error) => error);
  } finally {
    await send('DELETE');
  }
  const licensed = `the licensed image (${LOCALSTACK_IMAGES.licensed} with LOCALSTACK_AUTH_TOKEN; the Hobby plan is free for non-commercial use)`;
  if (Array.isArray(answer) && answer.includes(CHECK_ADDRESS)) return { name: DNS_CHECK, status: 'ok', found: `${server} answered ${name}` };
  const code = Array.isArray(answer) ? undefined : ((answer as NodeJS.ErrnoException).code ?? answer.message);
  if (Array.isArray(answer) || !NO_SERVER.has(code!)) {
    // A server answered, without the address: REFUSED, SERVFAIL (the community image forwards names it does not know upstream) or nothing.
    const said = Array.isArray(answer) ? (answer.length ? answer.join(', ') : 'nothing') : code;
    return {
      name: DNS_CHECK,
      status: 'gap',
      found: `${server} answered ${said} for ${name}, a name the lab zone holds, so the Probe would see every endpoint empty`,
      fix: `only LocalStack's licensed image serves Route 53 records over DNS: run ${licensed}`,
    };
  }
  const why = code;
  if (isCommunity(status)) {
    return {
      name: DNS_CHECK,
      status: 'gap',
      found: `nothing answered DNS at ${server} (${why}), and the community edition's DNS server does not serve Route 53 records (LocalStack's docs)`,
      fix: `run ${licensed}`,
    };
  }
  return {
    name: DNS_CHECK,
    status: 'unknown',
    found: `nothing answered DNS at ${server} (${why})`,
    fix: "publish LocalStack's DNS port (`-p 127.0.0.1:53:53/udp`, or `localstack start --host-dns`), or pass --dns-server HOST:PORT",
  };
}

/** Every LocalStack check, in the order the doctor prints them; the DNS check waits for a lab with no execution running. */
export async function localStackDoctorChecks(lab: ReadyRemoteLab, status: LocalStackStatus, dnsServer: string): Promise<TargetCheck[]> {
  const running = await runningExecutions(lab.clients.stepFunctions, lab.outputs);
  const dns: TargetCheck = running.length
    ? { name: DNS_CHECK, status: 'unknown', found: `not checked: execution ${running[0]!.name} runs on this lab`, fix: 'run the doctor again when it ends' }
    : await checkLabZoneDns(lab.clients.route53, lab.outputs, dnsServer, status);
  return [...localStackChecks(status), dns];
}

const MARK: Record<CheckStatus, [Parameters<Paint>[0], string]> = { ok: ['green', '✓'], gap: ['red', '✗'], unknown: ['yellow', '?'], skipped: ['dim', '-'] };

/** A check's lines: the mark and name, then (unless it is ok, or `showFound`) what was found, and the fix. */
export function formatCheck(check: TargetCheck, paint: Paint = plain, showFound = false): string {
  const [colour, mark] = MARK[check.status];
  const lines = [`  ${paint(colour, mark)} ${check.name}`];
  if (check.status !== 'ok' || showFound) lines.push(`      found: ${check.found}`);
  if (check.status !== 'ok' && check.fix) lines.push(`      ${paint('yellow', 'fix:')} ${check.fix}`);
  return lines.join('\n');
}

/** One line after a target's checks: "<where> has what the lab needs", or how many things it lacks. */
export function formatChecksSummary(checks: readonly TargetCheck[], where: string, paint: Paint = plain): string {
  const gaps = checks.filter((check) => check.status === 'gap').length;
  const unknown = checks.filter((check) => check.status === 'unknown').length;
  const unchecked = unknown ? `; ${unknown} could not be checked` : '';
  if (!gaps) return `${paint('green', `${where} has what the lab needs`)}${unchecked}`;
  return `${paint('red', `${where} lacks ${gaps} thing${gaps > 1 ? 's' : ''} the lab needs`)} (each ✗ names its fix)${unchecked}`;
}

export function formatLocalStackSummary(checks: readonly TargetCheck[], paint: Paint = plain): string {
  return formatChecksSummary(checks, 'LocalStack', paint);
}
