#!/usr/bin/env node
// Runs one TypeScript script of this checkout (benchmarks, generators, the build) with tsx, a
// development dependency: run-ts.js FILE.ts [ARGS...]. `warden` itself runs the compiled CLI.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

// The AWS SDK's notice about Node 20, turned off with the SDK's own switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: run-ts.js FILE.ts [ARGS...]\n');
  process.exit(64);
}
process.argv = [process.argv[0] ?? 'node', resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
