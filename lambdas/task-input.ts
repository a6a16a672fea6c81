// The contract between the state machine and the Lambda handlers: what each
// Task passes in. The ASL builder writes these shapes; the handlers parse them.
import { z } from 'zod';
import { FAULT_KINDS } from './core/faults.ts';
import { SAFEGUARDS } from './core/safeguards.ts';

export const ENACTOR_IDS = ['az-a', 'az-b', 'az-c'] as const;
export type EnactorId = (typeof ENACTOR_IDS)[number];

export const labSettingsSchema = z.object({
  endpoints: z.array(z.string().min(1)).min(1),
  pool: z.array(z.object({ id: z.string().min(1), address: z.string().min(1) })).min(1),
  seed: z.number().int(),
  policy: z.object({
    keepGenerations: z.number().int().min(1),
    attemptsMax: z.number().int().min(1),
    backoffMs: z.number().min(0),
    backoffMsMax: z.number().min(0),
  }),
  faults: z.array(
    z.object({
      kind: z.enum(FAULT_KINDS),
      enactor: z.string(),
      endpoint: z.string(),
      times: z.number().int().min(1).optional(),
      untilSecond: z.number().int().min(0).optional(),
    }),
  ),
  probeSamples: z.number().int().min(1),
});
export type LabSettings = z.infer<typeof labSettingsSchema>;

/** The execution input: chosen per run, read by every Task through $$.Execution.Input. */
export const executionInputSchema = z.object({
  runId: z.string().min(1),
  safeguards: z.array(z.enum(SAFEGUARDS)),
  settings: labSettingsSchema,
  /** When scenario second 0 is (the schedule's t0), for faults pinned to the schedule. */
  startedAt: z.string().optional(),
  /** t<seconds> → ISO time: when each scheduled step may start (Wait states read it). */
  schedule: z.record(z.string(), z.string()).optional(),
});
export type ExecutionInput = z.infer<typeof executionInputSchema>;

export const plannerInputSchema = executionInputSchema.extend({ count: z.number().int().min(1) });
export type PlannerInput = z.infer<typeof plannerInputSchema>;

export const ENACTOR_STEPS = ['begin', 'apply', 'cleanup', 'run'] as const;
export type EnactorStep = (typeof ENACTOR_STEPS)[number];

const planSchema = z.object({
  generation: z.number().int(),
  createdAt: z.number(),
  endpoints: z.array(z.string()),
  loadBalancers: z.array(z.object({ id: z.string(), address: z.string(), weight: z.number() })),
});

export const enactorInputSchema = executionInputSchema.extend({
  enactor: z.enum(ENACTOR_IDS),
  step: z.enum(ENACTOR_STEPS),
  endpoint: z.string().optional(),
  work: z.object({ plan: planSchema, checkedAgainst: z.number().nullable() }).optional(),
});
export type EnactorInput = z.infer<typeof enactorInputSchema>;

export const probeInputSchema = executionInputSchema.extend({ label: z.string() });
export type ProbeInput = z.infer<typeof probeInputSchema>;

/** Parses a Task's input, or throws one readable sentence naming the fields. */
export function parseTaskInput<T>(schema: z.ZodType<T>, event: unknown, task: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
  throw new Error(`${task} input is invalid: ${fields}`);
}
