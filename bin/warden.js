#!/usr/bin/env node
// The `warden` command: a thin launcher for shared/cli/main.ts.
import './setup.js';

const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
