// One contract, two CascadeStores: the DynamoDB adapter (on dynalite, through
// the AWS SDK) and the in-memory one the memory lab uses must behave the same.
import { describe, expect, it } from 'vitest';
import { DynamoDbCascadeStore } from '../../lambdas/adapters/dynamodb-cascade-store.ts';
import { CASCADE_TABLE_KEYS } from '../../lambdas/adapters/tables.ts';
import { LEASE_SHARD_DROPLETS, type CascadeStore } from '../../lambdas/core/cascade/ports.ts';
import { INITIAL_CONTROLS } from '../../lambdas/core/cascade/settings.ts';
import { dynaliteTables } from '../support/dynalite-tables.ts';
import { MemoryCascadeStore } from '../../local/memory-cascade-store.ts';

const newTable = dynaliteTables('cascade-contract');

const stores: [string, () => Promise<CascadeStore>][] = [
  ['memory', async () => new MemoryCascadeStore()],
  [
    'DynamoDB (dynalite)',
    async () => {
      const { name, documents } = await newTable(CASCADE_TABLE_KEYS);
      return new DynamoDbCascadeStore(name, documents);
    },
  ],
];

describe.each(stores)('CascadeStore contract: %s', (_name, makeStore) => {
  it('reads no leases and the starting switches before anything was written', async () => {
    const store = await makeStore();
    expect(await store.read('run-1', 10)).toEqual({ controls: INITIAL_CONTROLS });
  });

  it("keeps a fleet's leases across shards, per run", async () => {
    const store = await makeStore();
    const droplets = LEASE_SHARD_DROPLETS * 2 + 7;
    const leases = Array.from({ length: droplets }, (_, i) => i * 3);
    await store.writeLeases('run-1', leases);
    expect((await store.read('run-1', droplets)).leases).toEqual(leases);
    expect((await store.read('run-2', droplets)).leases).toBeUndefined();
  });

  it('changes the switches it is told to, leaves the others, and counts restarts', async () => {
    const store = await makeStore();
    expect(await store.changeControls('run-1', { throttled: true })).toEqual({ ...INITIAL_CONTROLS, throttled: true });
    expect(await store.changeControls('run-1', { restart: true })).toEqual({ ...INITIAL_CONTROLS, throttled: true, restarts: 1 });
    await store.changeControls('run-1', { restart: true, failoverDisabled: true });
    expect((await store.read('run-1', 1)).controls).toEqual({ throttled: true, failoverDisabled: true, restarts: 2 });
    expect((await store.read('run-2', 1)).controls).toEqual(INITIAL_CONTROLS);
  });
});
