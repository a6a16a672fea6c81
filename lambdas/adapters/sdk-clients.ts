// The SDK clients a deployed function builds, held to bounds: without them a
// call into a black hole (a security group that drops, an interface endpoint
// missing from the function's AZ) waits until the function's own timeout.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './dynamodb-clients.ts';

/** How long one SDK call may take, and how often the SDK may try it. */
export interface CallBounds {
  /** Milliseconds to establish the TCP connection. */
  connectionTimeoutMs: number;
  /** Milliseconds the request and its response may take. */
  requestTimeoutMs: number;
  /** Attempts per call, the first included: the SDK's own retries of throttling, 5xx and timeouts. */
  maxAttempts: number;
}

export interface SdkCallBounds {
  dynamodb: CallBounds;
  route53: CallBounds;
}

export interface LabSdkClients {
  dynamodb: DynamoDBDocumentClient;
  route53: Route53Client;
}

/**
 * The client options for these bounds. `throwOnRequestTimeout`: since @smithy/node-http-handler 4.4
 * (October 2025) a passed requestTimeout only logs a warning without it (the bundles carry a newer
 * handler: lambdas/bundled-sdk.ts); older handlers take requestTimeout as a socket idle timeout that
 * throws, and ignore the flag.
 */
export function boundedClientConfig(bounds: CallBounds) {
  return {
    maxAttempts: bounds.maxAttempts,
    requestHandler: { connectionTimeout: bounds.connectionTimeoutMs, requestTimeout: bounds.requestTimeoutMs, throwOnRequestTimeout: true },
  };
}

/** One client per service, shared by every adapter of a function; region, endpoint and credentials come from the environment as usual. */
export function labSdkClients(bounds: SdkCallBounds): LabSdkClients {
  return {
    dynamodb: documentClient(new DynamoDBClient(boundedClientConfig(bounds.dynamodb))),
    route53: new Route53Client(boundedClientConfig(bounds.route53)),
  };
}
