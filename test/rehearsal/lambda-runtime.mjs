// A Lambda execution environment in miniature: one process per warm container.
// It loads the function's bundled asset as the Node.js runtime would (the
// template's Handler "file.export", the file found as .mjs, .js or .cjs), then
// runs one invocation at a time on the parent's request. An error comes back
// as Lambda reports it (errorType, errorMessage), which is what Step Functions
// matches Retry and Catch against.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [assetDir, handlerSetting] = process.argv.slice(2);
const dot = handlerSetting.lastIndexOf('.');
const file = ['.mjs', '.js', '.cjs'].map((ext) => join(assetDir, handlerSetting.slice(0, dot) + ext)).find((path) => existsSync(path));
if (!file) throw new Error(`Runtime.ImportModuleError: no ${handlerSetting.slice(0, dot)}.mjs, .js or .cjs in ${assetDir}`);
const handler = (await import(pathToFileURL(file).href))[handlerSetting.slice(dot + 1)];
if (typeof handler !== 'function') throw new Error(`Runtime.HandlerNotFound: ${handlerSetting} is not a function`);

process.on('message', async ({ id, event }) => {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: `rehearsal-${id}`,
    getRemainingTimeInMillis: () => 900_000,
  };
  try {
    process.send({ id, result: (await handler(event, context)) ?? null });
  } catch (error) {
    process.send({ id, error: { errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) } });
  }
});
process.send({ ready: true });
