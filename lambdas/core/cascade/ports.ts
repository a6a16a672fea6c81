// Where the cascade keeps what outlives a tick: DWFM's leases (one item per
// shard of droplets) and the operator's switches, per run, in the cascade table.
import type { Controls } from './settings.ts';

export interface ControlChange {
  throttled?: boolean;
  failoverDisabled?: boolean;
  /** Restart DWFM's hosts: raises the restart count. */
  restart?: true;
}

export interface CascadeStore {
  /** The run's leases (undefined before the first write) and its switches, in one read. */
  read(runId: string, droplets: number): Promise<{ leases?: number[]; controls: Controls }>;
  writeLeases(runId: string, leases: readonly number[]): Promise<void>;
  /** Changes the switches in one atomic write and returns them as they now are. */
  changeControls(runId: string, change: ControlChange): Promise<Controls>;
}

/** Droplets per lease item: 500 expiries stay far under DynamoDB's 400 KB item limit. */
export const LEASE_SHARD_DROPLETS = 500;

export function leaseShards(droplets: number): number {
  return Math.ceil(droplets / LEASE_SHARD_DROPLETS);
}
