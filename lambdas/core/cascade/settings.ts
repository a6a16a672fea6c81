// The cascade's settings and the operators' switches. After the race, the
// systems that depend on DynamoDB take over the story (the postmortem,
// aws.amazon.com/message/101925): DWFM's droplet leases, EC2 launches,
// Network Manager's propagation and NLB's health checks. Times are scenario
// seconds; the scenarios map one second to one minute of 20 October 2025.

/** Levers a run switches on from its start, beside the race's safeguards (`-s`). */
export const CASCADE_LEVERS = ['admission-control', 'backoff-jitter', 'nlb-velocity-control'] as const;
export type CascadeLever = (typeof CASCADE_LEVERS)[number];

export const CASCADE_LEVER_SUMMARIES: Record<CascadeLever, string> = {
  'admission-control': 'DWFM refuses new lease work while its queue is at its limit (AWS added throttling by queue size)',
  'backoff-jitter': 'a droplet whose lease attempt timed out waits an exponential backoff with full jitter before asking again',
  'nlb-velocity-control': 'health checks may take at most a set share of an NLB out of service (AWS added velocity control)',
};

/** What the scenario's operator can do, each a step of the operator's timeline. */
export const OPERATOR_ACTIONS = ['repair', 'freeze', 'unfreeze', 'throttle', 'restart-dwfm', 'disable-failover', 'relax-throttles', 'enable-failover'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];
/** The operator's steps on the DNS automation itself, which need no cascade: the repair, and the kill switch. */
export const DNS_OPERATOR_ACTIONS = ['repair', 'freeze', 'unfreeze'] as const satisfies readonly OperatorAction[];

/** The switches the operator sets, kept in the cascade table and read by DWFM once per tick. */
export interface Controls {
  /** Incoming work is throttled: DWFM admits by queue size, EC2 launches are rate limited. */
  throttled: boolean;
  /** NLB's automatic health-check failover is off. */
  failoverDisabled: boolean;
  /** How many times DWFM's hosts were restarted; a host that sees a higher count drops its queue. */
  restarts: number;
}

export const INITIAL_CONTROLS: Controls = Object.freeze({ throttled: false, failoverDisabled: false, restarts: 0 });

export interface CascadeSettings {
  /** The endpoint DWFM reaches DynamoDB by: it resolves this name through the lab's DNS before each tick's calls. */
  endpoint: string;
  /** Physical hosts, each with a lease. */
  droplets: number;
  /** How long a lease lasts; DWFM renews a lease in its second half. */
  leaseSeconds: number;
  /** A tick: how often each subsystem runs (its Lambda is invoked once per tick and simulates its seconds). */
  tickSeconds: number;
  /** The first tick's start: once the race's steady state is up (before it, the endpoint has no records yet). */
  startSeconds: number;
  /** The last tick's end. */
  untilSeconds: number;
  dwfm: {
    /** Leases DWFM can establish per second when one attempt has it to itself; attempts in flight share it. */
    leasesPerSecond: number;
    /** An attempt that has not finished after this long is abandoned, its work wasted, and tried again. */
    attemptTimeoutSeconds: number;
    /** With admission control (the lever, or the operator's throttle), at most this many attempts in flight. */
    queueMax: number;
    /** backoff-jitter: the first retry's cap, doubling per timed-out attempt up to the maximum. */
    backoffSeconds: number;
    backoffSecondsMax: number;
  };
  launches: {
    /** Instances customers ask EC2 for, per second. */
    perSecond: number;
    /** While throttled, launches allowed per second; the rest get RequestLimitExceeded. */
    throttledPerSecond: number;
  };
  network: {
    /** Network-state work Network Manager propagates per second. */
    unitsPerSecond: number;
    /** Work each re-established lease queues (its droplet's network state). */
    unitsPerLease: number;
    /** Propagation at or under this delay is normal. */
    normalDelaySeconds: number;
  };
  nlb: {
    /** The NLB's nodes (its capacity units); new instances are registered on them in turn. */
    nodes: number;
    /** A node fails its health check once its newest instance has been unreachable this long (the checks' unhealthy threshold). */
    graceSeconds: number;
    /** nlb-velocity-control: at most this share of the nodes out of service at once. */
    removableFraction: number;
  };
  /** The metastable test: once DNS has answered for this long, DWFM's goodput must be at least `goodputFraction` of its capacity while it has a backlog. */
  metastable: { windowSeconds: number; goodputFraction: number };
}
