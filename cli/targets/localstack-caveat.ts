// LocalStack's Route 53 is built on moto, which is known to accept a DELETE
// that does not match the current record set and to apply a failing change
// batch in part. The lab's safeguards rest on exactly those preconditions, so
// a LocalStack run says so before it starts. `racelab doctor --target
// localstack` measures what the running LocalStack actually does.

export const LOCALSTACK_ROUTE53_CAVEAT =
  "warning: LocalStack's Route 53 (built on moto) is known to accept a DELETE that does not match the current record set and to apply a " +
  'failing change batch in part, ' +
  "so results that rely on Route 53 preconditions (the Enactor's lock, write-time-check's exact-match DELETE, protect-active and " +
  "never-empty's re-assertion of each lock) are not trustworthy here; " +
  'check what this LocalStack honours with `racelab doctor --target localstack`';
