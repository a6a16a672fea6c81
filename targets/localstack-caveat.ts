// What the lab needs to know about LocalStack, in one place: how to start it so
// that the lab's Lambdas run, and what its Route 53 does not honour.
// docs/targets.md ("Running on LocalStack") says where each fact comes from.

/**
 * The images the lab's calls were checked against (by reading LocalStack's
 * docs and source, not by running them). 4.14.0 is the last community image
 * that starts without an account; from 2026.03.0 (23 March 2026) every image
 * needs LOCALSTACK_AUTH_TOKEN, and only those serve Route 53 records over DNS.
 */
export const LOCALSTACK_IMAGES = { licensed: 'localstack/localstack:2026.03.0', community: 'localstack/localstack:4.14.0' } as const;

/**
 * Starts LocalStack so that Lambdas run: the Docker socket lets it start one
 * container per function; port 53 lets `racelab doctor` ask its DNS server.
 */
export const LOCALSTACK_START =
  'docker run --rm -d --name localstack -p 127.0.0.1:4566:4566 -p 127.0.0.1:53:53/udp -v /var/run/docker.sock:/var/run/docker.sock ' +
  `-e LOCALSTACK_AUTH_TOKEN ${LOCALSTACK_IMAGES.licensed}`;

/** Where the user finds the full set-up, for messages that cannot hold all of it. */
export const LOCALSTACK_DOCS = 'docs/targets.md, "Running on LocalStack"';

// LocalStack's Route 53 is built on moto, which checks a DELETE against every
// value the record set ever had rather than the current one, and applies a
// batch change by change. The lab's safeguards rest on exactly those
// preconditions, so a LocalStack run says so before it starts.
export const LOCALSTACK_ROUTE53_CAVEAT =
  "warning: LocalStack's Route 53 (built on moto) is known to accept a DELETE that does not match the current record set and to apply a " +
  'failing change batch in part, ' +
  "so results that rely on Route 53 preconditions (the Enactor's lock, write-time-check's exact-match DELETE, protect-active and " +
  "never-empty's re-assertion of each lock) are not trustworthy here; " +
  'check what this LocalStack honours with `racelab doctor --target localstack`';
