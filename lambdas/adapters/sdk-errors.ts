// The AWS SDK's errors, told apart by `name` (the service's error code), never
// by class: the deployed functions use the SDK the Lambda runtime carries
// (infra/lab-function.ts), whose version may differ from the one tested here;
// an error class missing from that version would fail the bundle's import, and
// an error from another copy of the SDK is no instance of ours.

/** Whether `error` is an SDK error with one of these codes. */
export function hasErrorName(error: unknown, ...names: string[]): error is Error {
  return error instanceof Error && names.includes(error.name);
}
