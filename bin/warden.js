#!/usr/bin/env node
// The `warden` command: a thin launcher for shared/cli/main.ts.
import './setup.js';

// A reader that stops early (`warden findings list | head`) closes the pipe: stop quietly with the
// status a SIGPIPE gives (141), as Unix tools do; never 0, which could pass a --fail-on gate.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
