#!/usr/bin/env node
// The `warden` command: a thin launcher for shared/cli/main.ts.
import './setup.js';

// A reader that stops early (`warden findings list | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
