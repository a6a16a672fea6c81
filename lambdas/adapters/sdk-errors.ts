// The AWS SDK's errors, told apart by `name` (the service's error code), never
// by class: a code the SDK does not model has no class at all (Route 53 answers
// over its request rate with `Throttling`; the SDK models only
// ThrottlingException), and a name is the same whichever copy of the SDK threw
// it (the bundles carry their own, infra/lab-function.ts).

/** Whether `error` is an SDK error with one of these codes. */
export function hasErrorName(error: unknown, ...names: string[]): error is Error {
  return error instanceof Error && names.includes(error.name);
}
