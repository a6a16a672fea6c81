// Proves `racelab doctor --target localstack` reports what LocalStack lacks
// for the lab, each gap with its fix: nothing listening (how to start it, with
// the Docker socket and the auth token), something that is not LocalStack, a
// service the lab uses switched off, an inactive license, and a DNS server
// that does not answer the lab zone's names (the community image's) — checked
// against a fake LocalStack on loopback (its health/info JSON as LocalStack's
// source serves it) in front of the embedded lab's Route 53 and DNS servers.
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { doctorCommand } from '../../cli/commands/doctor.ts';
import { LOCALSTACK_START } from '../../targets/localstack-caveat.ts';
import {
  checkLabZoneDns,
  defaultDnsServer,
  formatCheck,
  formatLocalStackSummary,
  LAB_SERVICES,
  localStackChecks,
  localStackDoctorChecks,
  readLocalStack,
  type LocalStackStatus,
} from '../../targets/localstack-doctor.ts';
import { openReadyRemoteLab, type ReadyRemoteLab } from '../../targets/remote-lab.ts';
import { TargetError } from '../../targets/target-errors.ts';
import { remoteTarget } from '../../targets/target.ts';
import { startDnsServer, type DnsServer } from '../../local/dns/server.ts';
import { EMBEDDED_CREDENTIALS } from '../../local/embedded-lab.ts';
import { ROUTE53_CONFORMANCE_CASES } from '../../targets/route53-conformance.ts';
import { deployedLab, stateMachineArn, type DeployedLabFixture } from './deployed-lab-fixture.ts';
import { startFakeLocalStack, type FakeLocalStack, type FakeLocalStackOptions } from './fake-localstack.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function fakeLocalStack(options: FakeLocalStackOptions = {}): Promise<FakeLocalStack> {
  const fake = await startFakeLocalStack(options);
  closers.push(() => fake.close());
  return fake;
}

async function fixture(): Promise<DeployedLabFixture> {
  const lab = await deployedLab();
  closers.push(() => lab.close());
  return lab;
}

async function readyLab(lab: DeployedLabFixture): Promise<ReadyRemoteLab> {
  const ready = await openReadyRemoteLab(lab.target('localstack'));
  closers.push(async () => ready.close());
  return ready;
}

const localstackAt = (endpoint: string) => remoteTarget('localstack', {}, { AWS_ENDPOINT_URL: endpoint });

/** A loopback port that nothing listens on, for TCP and UDP alike. */
async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function emptyDnsServer(): Promise<DnsServer> {
  const server = await startDnsServer(() => undefined); // answers no zone: LocalStack community's view of the lab zone
  closers.push(() => server.close());
  return server;
}

const community: LocalStackStatus = { version: '4.14.0', edition: 'community', services: {}, licenseActivated: false };
const licensed: LocalStackStatus = { version: '2026.3.0', edition: 'pro', services: {}, licenseActivated: true };

async function labRecordNames(lab: DeployedLabFixture): Promise<string[]> {
  const client = new Route53Client({ region: 'us-east-1', endpoint: lab.lab.endpoints.route53, credentials: EMBEDDED_CREDENTIALS });
  const { ResourceRecordSets = [] } = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: lab.lab.hostedZoneId }));
  client.destroy();
  return ResourceRecordSets.map((set) => set.Name ?? '');
}

describe("LocalStack's own endpoints", () => {
  it('reads version, edition, services and the license from /_localstack/health and /_localstack/info', async () => {
    const fake = await fakeLocalStack({ edition: 'pro', version: '2026.3.0', licenseActivated: true });
    const status = await readLocalStack(localstackAt(fake.endpoint));
    expect(status).toMatchObject({ version: '2026.3.0', edition: 'pro', licenseActivated: true });
    expect(status.services.lambda).toBe('available');
    expect(localStackChecks(status).map((check) => [check.name, check.status])).toEqual([
      ['the services the lab uses are enabled', 'ok'],
      ['the license is active', 'ok'],
    ]);
  });

  it('nothing listening: a TargetError that says how to start LocalStack so that Lambdas run (Docker socket, auth token)', async () => {
    const port = await closedPort();
    const error = await readLocalStack(localstackAt(`http://127.0.0.1:${port}`)).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TargetError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^LocalStack is not answering at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); start it:`));
    expect(message).toContain(LOCALSTACK_START);
    expect(LOCALSTACK_START).toContain('-v /var/run/docker.sock:/var/run/docker.sock');
    expect(LOCALSTACK_START).toContain('-e LOCALSTACK_AUTH_TOKEN');
    expect(LOCALSTACK_START).toMatch(/localstack\/localstack:\d/); // a pinned tag, never latest
  });

  it('something else on the port: says it is not LocalStack', async () => {
    const lab = await fixture(); // the embedded Route 53 endpoint answers, but has no /_localstack/health
    const error = await readLocalStack(localstackAt(lab.lab.endpoints.route53)).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toMatch(/answers, but not as LocalStack does \(GET \/_localstack\/health gave HTTP \d+\); point AWS_ENDPOINT_URL/);
  });

  it('a service the lab uses switched off or missing: a gap that names SERVICES', async () => {
    const fake = await fakeLocalStack({ services: { lambda: 'disabled', stepfunctions: undefined } });
    const [services] = localStackChecks(await readLocalStack(localstackAt(fake.endpoint)));
    expect(services).toMatchObject({ status: 'gap', found: 'lambda: disabled, stepfunctions: not offered' });
    expect(services!.fix).toBe(`start LocalStack without SERVICES, or with SERVICES=${LAB_SERVICES.join(',')}`);
  });

  it('a licensed image whose license is not active: a gap that names LOCALSTACK_AUTH_TOKEN; the community image has none to check', async () => {
    const fake = await fakeLocalStack({ edition: 'pro', version: '2026.3.0', licenseActivated: false });
    const license = localStackChecks(await readLocalStack(localstackAt(fake.endpoint))).find((check) => check.name === 'the license is active');
    expect(license).toMatchObject({ status: 'gap', found: 'LocalStack 2026.3.0 (pro) reports is_license_activated: false' });
    expect(license!.fix).toMatch(/^export LOCALSTACK_AUTH_TOKEN=<your auth token> .* and restart LocalStack: `docker run/);
    const older = await fakeLocalStack({ noInfo: true });
    expect((await readLocalStack(localstackAt(older.endpoint))).licenseActivated).toBeUndefined();
    expect(localStackChecks(community).map((check) => check.name)).toEqual(['the services the lab uses are enabled']);
  });

  it("asks LocalStack's DNS server on the endpoint's host, port 53, unless told otherwise", () => {
    expect(defaultDnsServer('http://localhost:4566')).toBe('127.0.0.1:53');
    expect(defaultDnsServer('http://192.168.1.20:4566/')).toBe('192.168.1.20:53');
  });
});

describe("LocalStack's DNS server and the lab zone", () => {
  it('a DNS server that serves Route 53 records answers the check record; the record is gone afterwards', async () => {
    const lab = await fixture();
    const ready = await readyLab(lab);
    const check = await checkLabZoneDns(ready.clients.route53, ready.outputs, lab.lab.endpoints.dns, licensed);
    expect(check).toMatchObject({ status: 'ok' });
    expect(check.found).toMatch(new RegExp(`answered racelab-doctor-[0-9a-f]{8}\\.${lab.lab.zone}`));
    expect((await labRecordNames(lab)).filter((name) => name.includes('racelab-doctor'))).toEqual([]);
  });

  it('a DNS server that does not (the community image): a gap, the Probe would see every endpoint empty, the fix the licensed image', async () => {
    const lab = await fixture();
    const dns = await emptyDnsServer();
    const ready = await readyLab(lab);
    const check = await checkLabZoneDns(ready.clients.route53, ready.outputs, `${dns.host}:${dns.port}`, community);
    expect(check.status).toBe('gap');
    expect(check.found).toMatch(/answered EREFUSED for racelab-doctor-.*, a name the lab zone holds, so the Probe would see every endpoint empty$/);
    expect(check.fix).toMatch(/^only LocalStack's licensed image serves Route 53 records over DNS: run the licensed image \(localstack\/localstack:20/);
    expect((await labRecordNames(lab)).filter((name) => name.includes('racelab-doctor'))).toEqual([]);
  });

  it('no DNS server reachable: unknown on a licensed image (publish port 53), a gap on the community image', async () => {
    const lab = await fixture();
    const ready = await readyLab(lab);
    const server = `127.0.0.1:${await closedPort()}`;
    const unknown = await checkLabZoneDns(ready.clients.route53, ready.outputs, server, licensed);
    expect(unknown).toMatchObject({ status: 'unknown', found: expect.stringMatching(new RegExp(`^nothing answered DNS at ${server} \\(`)) });
    expect(unknown.fix).toContain('-p 127.0.0.1:53:53/udp');
    const gap = await checkLabZoneDns(ready.clients.route53, ready.outputs, server, community);
    expect(gap.status).toBe('gap');
    expect(gap.found).toContain("the community edition's DNS server does not serve Route 53 records");
  });

  it('does not write into the lab zone while an execution runs on it', async () => {
    const lab = await fixture();
    lab.stepFunctions.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${stateMachineArn('oct-2025')}:r-1`,
          name: 'r-1',
          stateMachineArn: stateMachineArn('oct-2025'),
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });
    const writes = vi.spyOn(Route53Client.prototype, 'send');
    const checks = await localStackDoctorChecks(await readyLab(lab), community, lab.lab.endpoints.dns);
    expect(checks.at(-1)).toMatchObject({ status: 'unknown', found: 'not checked: execution r-1 runs on this lab' });
    expect(writes).not.toHaveBeenCalled();
  });

  it('prints a gap with what was found and the fix, and a summary that counts the gaps', () => {
    const gap = { name: 'n', status: 'gap' as const, found: 'f', fix: 'x' };
    expect(formatCheck(gap).split('\n')).toEqual(['  ✗ n', '      found: f', '      fix: x']);
    expect(formatCheck({ name: 'n', status: 'ok', found: 'f' })).toBe('  ✓ n');
    expect(formatLocalStackSummary([gap, { ...gap, status: 'unknown' }])).toBe(
      'LocalStack lacks 1 thing the lab needs (each ✗ names its fix); 1 could not be checked',
    );
    expect(formatLocalStackSummary([{ ...gap, status: 'ok' }])).toBe('LocalStack has what the lab needs');
  });
});

describe('racelab doctor --target localstack', () => {
  async function doctor(fake: FakeLocalStackOptions, dnsServer: (lab: DeployedLabFixture) => Promise<string>, json = true) {
    const lab = await fixture();
    const localstack = await fakeLocalStack({ ...fake, upstream: lab.lab.endpoints.route53 });
    vi.stubEnv('AWS_ENDPOINT_URL', localstack.endpoint);
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (output.push(String(text)), true));
    const code = await doctorCommand({ target: 'localstack', json, dnsServer: await dnsServer(lab) });
    vi.restoreAllMocks();
    return { code, text: output.join(''), report: json ? JSON.parse(output.join('')) : undefined };
  }

  const emptyDns = async () => {
    const dns = await emptyDnsServer();
    return `${dns.host}:${dns.port}`;
  };

  it('on a community LocalStack: every Route 53 case runs, the DNS gap is reported with its fix, exit 1', async () => {
    const { code, report } = await doctor({}, emptyDns);
    expect(code).toBe(1);
    expect(report).toMatchObject({ target: 'localstack', total: ROUTE53_CONFORMANCE_CASES.length, localstack: { version: '4.14.0', edition: 'community' } });
    expect(report.localstack.checks.map((check: { status: string }) => check.status)).toEqual(['ok', 'gap']);
  });

  it('on a licensed LocalStack whose DNS serves the lab zone: exit 0', async () => {
    const { code, report } = await doctor({ edition: 'pro', version: '2026.3.0', licenseActivated: true }, async (lab) => lab.lab.endpoints.dns);
    expect(report.localstack.checks.map((check: { status: string }) => check.status)).toEqual(['ok', 'ok', 'ok']);
    expect(code).toBe(0);
  });

  it('prints the LocalStack checks before the Route 53 cases, and both summaries', async () => {
    const { code, text } = await doctor({}, emptyDns, false);
    expect(code).toBe(1);
    const lines = text.split('\n');
    expect(lines[0]).toBe('What the lab needs from LocalStack 4.14.0 (community edition):');
    expect(lines[1]).toBe('  ✓ the services the lab uses are enabled');
    expect(lines[2]).toBe("  ✗ LocalStack's DNS server answers the lab zone's names (as the Probe asks them, from inside a Lambda)");
    expect(lines[4]).toMatch(/^ {6}fix: only LocalStack's licensed image serves Route 53 records over DNS/);
    expect(lines.findIndex((line) => line.startsWith('Route 53 conformance on localstack'))).toBeGreaterThan(4);
    expect(lines.at(-2)).toBe('LocalStack lacks 1 thing the lab needs (each ✗ names its fix)');
  });

  it('--dns-server: localstack only, and HOST:PORT', async () => {
    await expect(doctorCommand({ target: 'local', dnsServer: '127.0.0.1:53' })).rejects.toThrow('--dns-server applies to --target localstack only');
    await expect(doctorCommand({ target: 'localstack', dnsServer: 'localhost' })).rejects.toThrow('--dns-server "localhost" is not HOST:PORT');
    await expect(doctorCommand({ target: 'localstack', dnsServer: '127.0.0.1:70000' })).rejects.toThrow('is not HOST:PORT');
  });
});
