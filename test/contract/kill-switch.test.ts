// One contract, two kill switches: the DynamoDB adapter (an item of the plans
// table, on dynalite, through the AWS SDK) and the in-memory one behave the
// same. And the item a person writes by hand with the AWS CLI, as the trainee
// guide says, is read as the switch thrown; the switch fails safe.
import { DeleteItemCommand, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbKillSwitch } from '../../lambdas/adapters/dynamodb-kill-switch.ts';
import { PLANS_TABLE_KEYS } from '../../lambdas/adapters/tables.ts';
import type { KillSwitchControl } from '../../lambdas/core/ports.ts';
import { MemoryKillSwitch } from '../../local/memory-kill-switch.ts';
import { dynaliteTables, embeddedLabForFile } from '../support/dynalite-tables.ts';

const newTable = dynaliteTables('kill-switch');

const switches: [string, () => Promise<KillSwitchControl>][] = [
  ['memory', async () => new MemoryKillSwitch()],
  [
    'DynamoDB (dynalite)',
    async () => {
      const { name, documents } = await newTable(PLANS_TABLE_KEYS);
      return new DynamoDbKillSwitch(name, documents);
    },
  ],
];

describe.each(switches)('KillSwitch contract: %s', (_name, makeSwitch) => {
  it('is not thrown until someone throws it; then thrown, with who and why; released again, not thrown', async () => {
    const killSwitch = await makeSwitch();
    expect(await killSwitch.read()).toEqual({ thrown: false });
    await killSwitch.set({ thrown: true, by: 'operator', reason: 'stop the automation' });
    expect(await killSwitch.read()).toEqual({ thrown: true, by: 'operator', reason: 'stop the automation' });
    await killSwitch.set({ thrown: false, by: 'operator' });
    expect(await killSwitch.read()).toEqual({ thrown: false, by: 'operator' });
    await killSwitch.set({ thrown: true });
    expect(await killSwitch.read()).toEqual({ thrown: true });
  });
});

describe('the kill switch written by hand, as the trainee guide says', () => {
  const current = embeddedLabForFile();

  /** `aws dynamodb put-item --table-name racelab-plans --item '<item>'`, as the AWS CLI sends it. */
  const putItem = (item: string) => {
    const { lab, client } = current();
    return client.send(new PutItemCommand({ TableName: lab.tables.plans, Item: JSON.parse(item) } as PutItemCommandInput));
  };
  const readOnLab = () => current().lab.deps().killSwitch.read();

  it('reads the documented item as thrown, and goes back to released when the item says frozen false or is deleted', async () => {
    expect(await readOnLab()).toEqual({ thrown: false });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}');
    expect(await readOnLab()).toEqual({ thrown: true });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":false},"by":{"S":"alice"}}');
    expect(await readOnLab()).toEqual({ thrown: false, by: 'alice' });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true},"by":{"S":"alice"},"reason":{"S":"DNS race"}}');
    expect(await readOnLab()).toEqual({ thrown: true, by: 'alice', reason: 'DNS race' });
    const { lab, client } = current();
    await client.send(new DeleteItemCommand({ TableName: lab.tables.plans, Key: { pk: { S: 'kill-switch' }, sk: { N: '0' } } }));
    expect(await readOnLab()).toEqual({ thrown: false });
  });

  it('lives beside the plans without being one: the plan store neither lists it nor counts it', async () => {
    const store = current().lab.deps().store;
    await store.putPlan({ generation: 1, createdAt: 1, endpoints: ['e'], loadBalancers: [{ id: 'lb-1', address: '10.10.0.11', weight: 1 }] });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}');
    expect(await store.listGenerations()).toEqual([1]);
    expect((await store.newestPlan())?.generation).toBe(1);
    expect(await readOnLab()).toEqual({ thrown: true });
  });

  it('fails safe: an item with a slip in it (frozen as a string, or no frozen at all) still stops the automation', async () => {
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"S":"false"}}');
    expect(await readOnLab()).toEqual({ thrown: true });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"}}');
    expect(await readOnLab()).toEqual({ thrown: true });
    await putItem('{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":false}}');
    expect(await readOnLab()).toEqual({ thrown: false });
  });
});
