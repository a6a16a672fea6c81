// What a handler needs from the world. Lambda builds it from the environment;
// the embedded target builds it from its loopback endpoints. Never a
// process-wide singleton per actor: embedded runs share one process.
import { makeRecorder, type EventLog } from './core/events.ts';
import type { Clock, DnsZone, KillSwitchControl, PlanStore, Resolver } from './core/ports.ts';
import { systemClock } from './adapters/clocks.ts';
import { DnsResolver } from './adapters/dns-resolver.ts';
import { DynamoDbEventLog } from './adapters/dynamodb-event-log.ts';
import { DynamoDbPlanStore } from './adapters/dynamodb-plan-store.ts';
import { DynamoDbKillSwitch } from './adapters/dynamodb-kill-switch.ts';
import { DynamoDbCascadeStore } from './adapters/dynamodb-cascade-store.ts';
import type { CascadeStore } from './core/cascade/ports.ts';
import { Route53DnsZone } from './adapters/route53-dns-zone.ts';
import { labSdkClients, type LabSdkClients } from './adapters/sdk-clients.ts';
import { LAMBDA_SDK_BOUNDS, readConfig, type LambdaConfig } from './config.ts';
import { isWarmUp } from './task-input.ts';
import { bundledSdkVersions, type SdkVersions } from './bundled-sdk.ts';

export interface LabDeps {
  store: PlanStore;
  /** The automation's kill switch, an item of the plans table: the Planner and the Enactors read it, the operator sets it. */
  killSwitch: KillSwitchControl;
  cascade: CascadeStore;
  dns: DnsZone;
  events: EventLog;
  clock: Clock;
  resolver: Resolver;
  zone: string;
  /** false: the Probe reads no zone (it cannot reach the Route 53 API); unset or true, it does. */
  zoneReads?: boolean;
}

/**
 * A deployed function's clients are held to LAMBDA_SDK_BOUNDS; the embedded target passes its own (unbounded: the
 * SDK's timers would run on its virtual clock).
 */
export function depsFromConfig(config: LambdaConfig, clients: LabSdkClients = labSdkClients(LAMBDA_SDK_BOUNDS), clock: Clock = systemClock): LabDeps {
  return {
    store: new DynamoDbPlanStore(config.plansTable, clients.dynamodb),
    killSwitch: new DynamoDbKillSwitch(config.plansTable, clients.dynamodb),
    cascade: new DynamoDbCascadeStore(config.cascadeTable, clients.dynamodb),
    dns: new Route53DnsZone(config.hostedZoneId, clients.route53),
    events: new DynamoDbEventLog(config.eventsTable, clients.dynamodb),
    clock,
    resolver: new DnsResolver(config.dnsServer),
    zone: config.zoneName,
    ...(config.zoneReads === false ? { zoneReads: false } : {}),
  };
}

/**
 * Records a `failed` event when a handler throws, then rethrows: the state
 * machine catches the error and goes on, so without this event the timeline
 * would show nothing of it.
 */
export function reportingFailures<R>(deps: LabDeps, actor: string, step: string, handler: (event: unknown) => Promise<R>): (event: unknown) => Promise<R> {
  return async (event) => {
    try {
      return await handler(event);
    } catch (error) {
      const fields = (event ?? {}) as { runId?: unknown; enactor?: unknown; step?: unknown };
      if (typeof fields.runId === 'string') {
        const who = typeof fields.enactor === 'string' ? fields.enactor : actor;
        const what = typeof fields.step === 'string' ? fields.step : step;
        await makeRecorder(
          deps.events,
          deps.clock,
          fields.runId,
          who,
        )({ step: what, outcome: 'failed', detail: (error as Error).message }).catch(() => undefined);
      }
      throw error;
    }
  };
}

/** What a handler answers to the warm-up branch's invocation: with the SDK versions its bundle carries, when bundled. */
export interface WarmUpResult {
  warm: true;
  sdk?: SdkVersions;
}

/** Answers the warm-up invocation at once (the invocation itself is the warming), else runs the handler. */
export function answeringWarmUp<R>(handler: (event: unknown) => Promise<R>): (event: unknown) => Promise<R | WarmUpResult> {
  return async (event) => {
    if (!isWarmUp(event)) return handler(event);
    const sdk = bundledSdkVersions();
    return sdk ? { warm: true, sdk } : { warm: true };
  };
}

/** A Lambda entry point: deps are built on the first invocation and reused while the environment is warm. */
export function lambdaEntry<E, R>(factory: (deps: LabDeps) => (event: E) => Promise<R>): (event: E) => Promise<R> {
  let handler: ((event: E) => Promise<R>) | undefined;
  return (event) => {
    handler ??= factory(depsFromConfig(readConfig()));
    return handler(event);
  };
}
