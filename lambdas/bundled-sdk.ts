// The AWS SDK packages the Lambda code imports, and the versions a deployed
// function carries. infra/lab-function.ts bundles the SDK into each function
// and writes these versions in at bundle time (esbuild `define`), so a
// function's warm-up answer says which SDK it runs. Unbundled (the embedded
// target, the tests) there are none to report: the SDK is node_modules'.

/** Every AWS SDK package lambdas/ imports (test/infra/lambda-bundles.test.ts holds the list to the imports). */
export const LAMBDA_SDK_PACKAGES = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-route-53', '@aws-sdk/lib-dynamodb'] as const;

export type SdkVersions = Record<(typeof LAMBDA_SDK_PACKAGES)[number], string>;

/** The global name esbuild replaces with the versions; declared below under the same name. */
export const SDK_VERSIONS_DEFINE = 'RACELAB_BUNDLED_SDK';
declare const RACELAB_BUNDLED_SDK: SdkVersions | undefined;

/** The SDK versions this bundle was built with; undefined when the code runs unbundled. */
export function bundledSdkVersions(): SdkVersions | undefined {
  return typeof RACELAB_BUNDLED_SDK === 'undefined' ? undefined : RACELAB_BUNDLED_SDK;
}
