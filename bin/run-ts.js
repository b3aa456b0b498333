#!/usr/bin/env node
// Runs one TypeScript script of this checkout (benchmarks, generators): run-ts.js FILE.ts [ARGS...]
import './setup.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: run-ts.js FILE.ts [ARGS...]\n');
  process.exit(64);
}
process.argv = [process.argv[0] ?? 'node', resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
