// The ports the domain talks to. Every call is an await: the explorer treats
// each one as a scheduling point, so the domain reaches the world only here.
import type { RecordChange, RecordSet } from './dns-records.ts';
import type { EventFields } from './events.ts';
import type { Plan } from './plan.ts';

export interface PlanStore {
  /** Takes the next generation number: atomic and monotonic, even after plans are deleted. */
  nextGeneration(): Promise<number>;
  /** The last generation nextGeneration handed out; 0 before the first (or after the table was lost). */
  generationCounter(): Promise<number>;
  /** Raises the counter to `generation` unless it is there or beyond already (it never goes down): repair's, after the table was lost. */
  raiseGenerationCounter(generation: number): Promise<void>;
  /** Stores a new generation; throws PlanExists if that generation is taken. */
  putPlan(plan: Plan): Promise<void>;
  newestPlan(): Promise<Plan | undefined>;
  getPlan(generation: number): Promise<Plan | undefined>;
  listGenerations(): Promise<number[]>;
  deletePlan(generation: number): Promise<void>;
  /**
   * Monotonic fence for one endpoint: records that `generation` is being
   * written, unless a newer generation was fenced already (then false).
   */
  advanceFence(endpoint: string, generation: number, enactor: string): Promise<boolean>;
}

/** The kill switch as an operator left it. Thrown: the automation changes nothing until it is released. */
export interface KillSwitchState {
  thrown: boolean;
  /** Who threw (or released) it, and why, when they said. */
  by?: string;
  reason?: string;
}

/**
 * The automation's kill switch (kill-switch.ts): one item beside the plans. The Planner and every Enactor read it
 * before each change they would make; a consistent read, so a switch thrown before the read is seen.
 */
export interface KillSwitch {
  read(): Promise<KillSwitchState>;
}

/** The operator's side of the switch: throws it, or releases it. */
export interface KillSwitchControl extends KillSwitch {
  set(state: KillSwitchState): Promise<void>;
}

export interface DnsZone {
  /**
   * Every record set at this name and under it, from ONE read: a consistent
   * snapshot of an endpoint's records, its lock and its plan trees together.
   */
  recordsUnder(name: string): Promise<RecordSet[]>;
  /** One Route 53 change batch: all or nothing; ChangeRejected or Throttled on failure. */
  change(changes: RecordChange[]): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Resolves a name to IPv4 addresses through DNS; [] when the answer is empty. */
export interface Resolver {
  resolve4(name: string): Promise<string[]>;
}

/** Records what one actor did; the adapter adds run id, actor and time. */
export type Recorder = (fields: EventFields) => Promise<void>;
