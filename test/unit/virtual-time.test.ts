// The embedded target's clock: time moves only when every actor waits, calls
// to the endpoints take turns in a fixed order, and real I/O in flight holds
// the clock still, so a run cannot depend on how fast the machine is.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTime } from '../../local/simulation/virtual-time.ts';

const realSetTimeout = globalThis.setTimeout;
let time: VirtualTime | undefined;
afterEach(() => {
  time?.uninstall();
  time = undefined;
});

describe('virtual time', () => {
  it('advances only when every actor waits, to the next timer, however long the work in between takes', async () => {
    time = VirtualTime.install(1_000_000);
    const log: string[] = [];
    const at = () => Date.now() - 1_000_000;
    const actor = async (name: string, sleeps: number[]) => {
      for (const ms of sleeps) {
        // CPU-bound work between waits: it takes real time, never virtual time.
        let spin = 0;
        for (let i = 0; i < 200_000; i++) spin += i;
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`${name}@${at()}${spin > 0 ? '' : '?'}`);
      }
    };
    await time.drive(Promise.all([actor('a', [1000, 1000]), actor('b', [500, 2000]), actor('c', [1500])]));
    expect(log).toEqual(['b@500', 'a@1000', 'c@1500', 'a@2000', 'b@2500']);
  });

  it('grants calls asked for at the same instant by rank, then in the order asked', async () => {
    time = VirtualTime.install(0);
    const order: string[] = [];
    const call = (name: string, rank: number) => time!.exclusive(rank, async () => void order.push(name));
    await time.drive(Promise.all([call('probe', 5), call('az-b', 3), call('planner', 1), call('az-b again', 3)]));
    expect(order).toEqual(['planner', 'az-b', 'az-b again', 'probe']);
  });

  describe('with real I/O', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('holds the clock while a call is in flight, even one that takes real time to answer', async () => {
      // Answers after 50 ms of real time (the server keeps the real setTimeout).
      server = createServer((_, res) => void realSetTimeout(() => res.end('ok'), 50));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      time = VirtualTime.install(0);
      const log: string[] = [];
      const fetchOnce = () =>
        new Promise<string>((resolve, reject) => {
          request({ host: '127.0.0.1', port }, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve(body));
          })
            .on('error', reject)
            .end();
        });
      const caller = async () => log.push(`${await time!.exclusive(1, fetchOnce)}@${Date.now()}`);
      const sleeper = async () => {
        await time!.sleep(10);
        log.push(`woke@${Date.now()}`);
      };
      await time.drive(Promise.all([caller(), sleeper()]));
      expect(log).toEqual(['ok@0', 'woke@10']);
    });
  });

  it('gives the real timers back when uninstalled, and runs one clock at a time', () => {
    time = VirtualTime.install(0);
    expect(Date.now()).toBe(0);
    expect(() => VirtualTime.install(0)).toThrow('a virtual clock is already running in this process');
    time.uninstall();
    time = undefined;
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(1000);
    expect(globalThis.setTimeout).toBe(realSetTimeout);
  });
});
