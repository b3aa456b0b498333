#!/usr/bin/env node
// The `warden` command: runs the compiled CLI in dist/cli/ (built by esbuild on `npm install` in a
// checkout, and by `npm pack`), never TypeScript at run time. In a checkout, a build that does not
// match its sources is rebuilt first, so an edit is never silently ignored; the installed package
// ships no sources and runs its build as it is.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The AWS SDK's notice about Node 20, turned off with the SDK's own switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`warden findings list | head`) closes the pipe: stop quietly with the
// status a SIGPIPE gives (141), as Unix tools do; never 0, which could pass a --fail-on gate. Any
// other failure to write the output (a full disk, an I/O error) is one line and 70, not a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(141);
    const name = stream === process.stdout ? 'standard output' : 'standard error';
    try {
      writeSync(2, `warden: cannot write to ${name}: ${error.code === 'ENOSPC' ? 'the disk is full' : error.message}\n`);
    } catch {
      // Standard error is what failed: the status says it.
    }
    process.exit(70);
  });
}

const root = new URL('../', import.meta.url);
const cliDir = new URL('dist/cli/', root);
const manifestFile = new URL('build.json', cliDir);
const buildScript = new URL('scripts/build.ts', root);

/** The manifest scripts/build.ts writes, or undefined when there is no build. */
function readManifest() {
  return existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
}

/** The first source whose content differs from what the build read (the same sha256 as scripts/build.ts), if any. */
function changedSource(manifest) {
  for (const [path, hash] of Object.entries(manifest.sources)) {
    const file = new URL(path, root);
    const now = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'missing';
    if (now !== hash) return path;
  }
  return undefined;
}

let manifest = readManifest();
if (existsSync(buildScript)) {
  const changed = manifest === undefined ? 'no build yet' : changedSource(manifest);
  if (changed !== undefined) {
    process.stderr.write(`warden: building the CLI (${manifest === undefined ? changed : `${changed} changed`})\n`);
    const build = spawnSync(process.execPath, [fileURLToPath(new URL('bin/run-ts.js', root)), fileURLToPath(buildScript), '--cli', '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) {
      process.stderr.write('warden: the CLI does not build (see above); not running the old build\n');
      process.exit(70);
    }
    manifest = readManifest();
  }
}
if (manifest === undefined) {
  process.stderr.write('warden: no compiled CLI in dist/cli/: reinstall the package\n');
  process.exit(70);
}

const { main } = await import(new URL(manifest.entry, cliDir).href);
process.exitCode = await main(process.argv.slice(2));
