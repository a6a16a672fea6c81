// The SDK clients for a deployed target, each configured the way the target
// says (region, endpoint, credentials). The lab's own adapters take these
// clients, so the CLI reads plans, events and records exactly as the Lambdas do.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../lambdas/adapters/dynamodb-clients.ts';
import { remoteTarget, type RemoteService, type RemoteTarget, type RemoteTargetName, type TargetOptions } from './target.ts';
import { ENVIRONMENT_VARIABLES, processEnvironment, type Environment } from '../infra/environment.ts';

export interface RemoteClients {
  cloudFormation: CloudFormationClient;
  stepFunctions: SFNClient;
  iam: IAMClient;
  route53: Route53Client;
  dynamodb: DynamoDBDocumentClient;
  destroy(): void;
}

/** A client's configuration for one service of the target (for a client only one command needs, built where it is used). */
export function configFor(target: RemoteTarget, service: RemoteService) {
  return {
    region: target.region,
    ...(target.endpoints[service] ? { endpoint: target.endpoints[service] } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

export function createRemoteClients(target: RemoteTarget): RemoteClients {
  const clients = {
    cloudFormation: new CloudFormationClient(configFor(target, 'cloudformation')),
    stepFunctions: new SFNClient(configFor(target, 'stepfunctions')),
    iam: new IAMClient(configFor(target, 'iam')),
    route53: new Route53Client(configFor(target, 'route53')),
    dynamodb: documentClient(configFor(target, 'dynamodb')),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** The region the SDK's own chain finds (AWS_REGION, the profile's config), or undefined. */
export async function sdkConfiguredRegion(): Promise<string | undefined> {
  const probe = new CloudFormationClient({});
  try {
    return await probe.config.region();
  } catch {
    return undefined; // "Region is missing": the caller falls back and says so
  } finally {
    probe.destroy();
  }
}

/** remoteTarget(), with the SDK asked for a configured region first (aws only). */
export async function resolveRemoteTarget(name: RemoteTargetName, options: TargetOptions, env: Environment = processEnvironment()): Promise<RemoteTarget> {
  const needsSdkRegion = name === 'aws' && !options.region && !env[ENVIRONMENT_VARIABLES.region];
  return remoteTarget(name, options, env, needsSdkRegion ? await sdkConfiguredRegion() : undefined);
}
