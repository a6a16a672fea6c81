// A deployed function's SDK calls are bounded (LAMBDA_SDK_BOUNDS in
// lambdas/config.ts): a call into a server that never answers, or one that
// never completes the TCP handshake, fails with the SDK's TimeoutError after
// its attempts, and the handler reports it as it would in Lambda, instead of
// waiting out the function's 900 s. The clients are the ones lambdaEntry
// builds (labSdkClients), with bounds narrowed by the same function so that
// each call gives up in a fraction of a second; they find their endpoints
// through AWS_ENDPOINT_URL_*, as in Lambda and on LocalStack.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_SDK_BOUNDS, sdkCallBounds } from '../../lambdas/config.ts';
import { depsFromConfig } from '../../lambdas/deps.ts';
import { labSdkClients } from '../../lambdas/adapters/sdk-clients.ts';
import { plannerHandler } from '../../lambdas/planner/handler.ts';
import { probeHandler } from '../../lambdas/probe/handler.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/scenario-definition.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { loadScenario } from '../../scenario/files.ts';
import { labSettings } from '../../scenario/schedule.ts';

const ATTEMPTS = 2;
/** Small bounds, the rest of the Lambdas' own. */
const BOUNDS = sdkCallBounds({ connectionTimeoutMs: 200, requestTimeoutMs: 200, maxAttempts: ATTEMPTS });

/** Accepts every connection, reads every request, answers none: a black hole behind a working TCP stack. */
class SilentServer {
  connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket)).resume();
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A port whose handshake never completes: a child process listens with a backlog of 1, then blocks its thread
 * before it ever accepts. Once two connections fill the kernel's accept queue, Linux drops every further SYN
 * (the client retries it and waits), so the next connect hangs until the client gives up.
 */
async function startNeverAccepting(): Promise<{ endpoint: string; child: ChildProcess; fillers: net.Socket[] }> {
  const script = `
    const net = require('node:net'), fs = require('node:fs');
    const server = net.createServer();
    server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
      fs.writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
  });
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, '127.0.0.1');
    fillers.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  }
  return { endpoint: `http://127.0.0.1:${port}`, child, fillers };
}

let lab: EmbeddedLab;
let silent: SilentServer;
let silentEndpoint: string;
let settings: ReturnType<typeof labSettings>;
const saved = { ...process.env };

beforeAll(async () => {
  lab = await startEmbeddedLab();
  silent = new SilentServer();
  silentEndpoint = await silent.start();
  settings = labSettings(await loadScenario('oct-2025'));
});
afterEach(() => {
  process.env = { ...saved };
});
afterAll(async () => {
  process.env = saved;
  await silent.close();
  await lab.close();
});

/** The deps a Lambda builds, with the SDK's endpoints taken from the environment as there. */
function lambdaDeps(endpoints: { dynamodb: string; route53: string }) {
  Object.assign(process.env, lab.environment, { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb, AWS_ENDPOINT_URL_ROUTE_53: endpoints.route53 });
  return depsFromConfig(lab.config, labSdkClients(BOUNDS));
}

describe("the Lambdas' SDK calls are bounded", () => {
  it("leave the worst call (every attempt timing out) far inside the function's timeout", () => {
    for (const bounds of Object.values(LAMBDA_SDK_BOUNDS)) {
      const worstMs = bounds.maxAttempts * (bounds.connectionTimeoutMs + bounds.requestTimeoutMs);
      expect(worstMs).toBeLessThan((FUNCTION_TIMEOUT_SECONDS * 1000) / 5);
    }
  });

  it('a Route 53 read from a server that never answers fails with TimeoutError after its attempts, and the Probe records it', async () => {
    const probe = probeHandler(lambdaDeps({ dynamodb: lab.endpoints.dynamodb, route53: silentEndpoint }));
    silent.connections = 0;
    const error: unknown = await probe({ runId: 'silent-route53', safeguards: [], settings, label: 'check' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('200 ms') });
    expect(silent.connections).toBe(ATTEMPTS);
    // The failure reaches the run's events (on the real DynamoDB), as the timeline shows it.
    expect(await lab.deps().events.list('silent-route53')).toEqual([
      expect.objectContaining({ actor: 'probe', step: 'probe', outcome: 'failed', detail: expect.stringContaining('requestTimeout') }),
    ]);
  });

  it('a DynamoDB call to a server that never answers fails with TimeoutError, and the Planner throws it', async () => {
    const planner = plannerHandler(lambdaDeps({ dynamodb: silentEndpoint, route53: lab.endpoints.route53 }));
    silent.connections = 0;
    const error: unknown = await planner({ runId: 'silent-dynamodb', safeguards: [], settings, count: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    // The Planner's call and its attempt to record the failure, each tried ATTEMPTS times; then nothing more.
    expect(silent.connections).toBe(2 * ATTEMPTS);
  });

  it('a DynamoDB call to a port that never completes the handshake fails with the connection timeout', async () => {
    const { endpoint, child, fillers } = await startNeverAccepting();
    try {
      const planner = plannerHandler(lambdaDeps({ dynamodb: endpoint, route53: lab.endpoints.route53 }));
      const error: unknown = await planner({ runId: 'never-accepted', safeguards: [], settings, count: 1 }).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('did not establish a connection') });
    } finally {
      for (const socket of fillers) socket.destroy();
      child.kill();
    }
  });
});
