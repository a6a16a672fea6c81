#!/usr/bin/env node
// cdk.json's app: runs the CDK app (bin/app.ts) compiled into dist/ like the CLI
// (build.js), compiling first if a source file changed since. Loading it through
// tsx cost over a second of every synth; the app, and so the template and the
// bundles it writes, are the same.
import { runEntry } from './build.js';

await runEntry('app');
