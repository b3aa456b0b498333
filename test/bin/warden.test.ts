import { execFile, execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, loadedBy, type CliBuild } from '../../scripts/build.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { runWarden } from '../support/cli.js';

// The real launcher and the compiled CLI, as a user runs them. One file, so its tests run one after
// another: packing rebuilds dist/cli/, which the launcher tests run.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WARDEN = join(ROOT, 'bin', 'warden.js');
const DEMO_TRAIL = join(ROOT, 'demo', 'trail');
const DEMO_CONFIG = join(ROOT, 'demo', 'warden.config.json');

const node = (args: string[], cwd: string): SpawnSyncReturns<string> => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });

describe('bin/warden.js', () => {
  it('stops quietly with status 141 when the reader of its output goes away, never passing a gate', async () => {
    const work = await mkdtemp(join(tmpdir(), 'warden-pipe-'));
    try {
      // Far more output than a pipe holds (about 2 MB), so the writes after `head` exits must fail.
      const base = rootKeyExamples.positive[0]!.record;
      const trail = join(work, 'trail.json');
      await writeFile(trail, JSON.stringify({ Records: Array.from({ length: 2_000 }, (_, index) => ({ ...base, eventID: `pipe-${index}` })) }));
      const shell = `set -o pipefail; node ${WARDEN} replay ${trail} --json --fail-on low --store ${join(work, 'store')} | head -c 10 > /dev/null`;
      const run = spawnSync('bash', ['-c', shell], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).not.toMatch(/EPIPE|at .*\(/);
      expect(run.status).toBe(141);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  // /dev/full: every write fails with ENOSPC, as on a full disk (Linux).
  it.runIf(existsSync('/dev/full'))('says in one line that the disk is full, and exits 70, when its output cannot be written', () => {
    const run = spawnSync('bash', ['-c', `node ${WARDEN} rules > /dev/full`], { encoding: 'utf8', timeout: 60_000 });

    // (A build of the CLI may come first, announced on its own line.)
    expect(run.stderr).toMatch(/^warden: cannot write to standard output: the disk is full\n$/m);
    expect(run.stderr).not.toMatch(/ENOSPC|\n\s+at /);
    expect(run.status).toBe(70);
  });

  describe('in a checkout', () => {
    // A copy of the parts of a checkout the launcher and the build read, sharing this one's node_modules.
    let checkout: string;
    const warden = (...args: string[]) => node([join(checkout, 'bin', 'warden.js'), ...args], checkout);
    const edit = async (path: string, from: string, to: string) => {
      const file = join(checkout, path);
      await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
    };

    beforeAll(async () => {
      checkout = await mkdtemp(join(tmpdir(), 'warden-checkout-'));
      for (const path of ['bin', 'scripts', 'shared', 'tsconfig.json', 'package.json']) await cp(join(ROOT, path), join(checkout, path), { recursive: true });
      await symlink(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    });
    afterAll(async () => {
      await rm(checkout, { recursive: true, force: true });
    });

    it('builds the CLI when there is no build yet, then runs the build as it is', () => {
      const first = warden('--help');
      const second = warden('--help');

      expect(first.stderr).toBe('warden: building the CLI (no build yet)\n');
      expect(first.stdout).toContain('warden rules [--json]');
      expect(first.status).toBe(0);
      expect(second.stderr).toBe('');
      expect(second.stdout).toBe(first.stdout);
    }, 120_000);

    it('rebuilds before running when a source changed since the build, so the edit runs', async () => {
      warden('--help');
      await edit('shared/cli/main.ts', "iam-warden's command line", 'the edited command line');

      const run = warden('--help');

      expect(run.stderr).toBe('warden: building the CLI (shared/cli/main.ts changed)\n');
      expect(run.stdout).toContain('the edited command line');
      expect(warden('--help').stderr).toBe('');
    }, 120_000);

    it('refuses to run the old build when the new one fails', async () => {
      warden('--help');
      await edit('shared/cli/commands/rules.ts', 'export const rulesCommand', 'export const = rulesCommand');

      const run = warden('rules');

      expect(run.stderr).toContain('shared/cli/commands/rules.ts changed');
      expect(run.stderr).toContain('warden: the CLI does not build (see above); not running the old build');
      expect(run.stderr).not.toMatch(/at .*\(/);
      expect(run.stdout).toBe('');
      expect(run.status).toBe(70);
      await edit('shared/cli/commands/rules.ts', 'export const = rulesCommand', 'export const rulesCommand');
    }, 120_000);
  });

  describe('the compiled CLI', () => {
    let build: CliBuild;
    const NEVER_AT_START = /^(@aws-sdk|@smithy|better-sqlite3)/;

    beforeAll(async () => {
      build = await buildCli();
    }, 120_000);

    it('loads no AWS SDK and no SQLite for help, nor for warden rules', () => {
      const help = loadedBy(build.metafile, ['shared/cli/main.ts']);
      const rules = loadedBy(build.metafile, ['shared/cli/main.ts', 'shared/cli/commands/rules.ts', 'shared/cli/dependencies.ts']);

      expect(help.packages).toEqual([]);
      expect(rules.packages.filter((name) => NEVER_AT_START.test(name))).toEqual([]);
    });

    it('replays into the embedded store without loading the AWS SDK (the SNS client loads when an alert is published)', () => {
      const embedded = loadedBy(build.metafile, ['shared/findings/open.ts', 'shared/findings/sqlite/open.ts']);
      const replay = loadedBy(build.metafile, ['shared/cli/main.ts', 'shared/cli/commands/replay.ts', 'shared/cli/dependencies.ts']);

      expect(embedded.packages).toEqual(['better-sqlite3']);
      expect(replay.packages.filter((name) => NEVER_AT_START.test(name))).toEqual([]);
    });

    // An AWS client imported lazily must come out of its chunk with its named exports: each command
    // that opens one reaches AWS (here a stand-in that refuses everything) rather than failing to build it.
    it('builds the AWS clients it imports lazily: S3 for a bucket replay, STS and Security Hub for --security-hub', async () => {
      const refusing = createServer((request, answer) => {
        request.resume();
        answer.writeHead(403, { 'content-type': 'text/xml' });
        answer.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>refused</Message></Error></ErrorResponse>');
      });
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
      const work = await mkdtemp(join(tmpdir(), 'warden-lazy-'));
      try {
        const env = {
          ...process.env,
          AWS_ENDPOINT_URL: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_REGION: 'us-east-1',
        };
        const run = (args: string[]) =>
          promisify(execFile)(process.execPath, [WARDEN, ...args, '--store', join(work, 'store'), '--trusted-accounts', '444455556666'], { env }).catch(
            (failed: { stderr: string }) => failed,
          );
        const [bucket, securityHub] = [await run(['replay', 's3://trail-bucket/AWSLogs/']), await run(['replay', DEMO_TRAIL, '--security-hub'])];

        expect(bucket.stderr).toMatch(/skipped s3:\/\/trail-bucket\/AWSLogs\/: cannot list: AccessDenied/);
        expect(securityHub.stderr).toMatch(/warden replay: refused/);
        for (const { stderr } of [bucket, securityHub]) expect(stderr).not.toMatch(/is not a (constructor|function)/);
      } finally {
        refusing.close();
        await rm(work, { recursive: true, force: true });
      }
    }, 60_000);

    it('needs at run time exactly the production dependencies of package.json: everything else is bundled', async () => {
      const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const everything = loadedBy(
        build.metafile,
        Object.values(build.metafile.outputs).flatMap((output) => output.entryPoint ?? []),
      );
      const bundled = new Set(Object.keys(build.metafile.inputs).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));

      expect(Object.keys(pkg.dependencies ?? {})).toEqual(everything.packages.filter((name) => !bundled.has(name)));
    });
  });

  describe('npm pack', () => {
    let work: string;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'warden-pack-'));
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    it('makes a package that installs into an empty prefix with production dependencies only, and whose warden replays the demo', async () => {
      const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const pack = spawnSync('npm', ['pack', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(pack.status, pack.stderr).toBe(0);
      const tarball = join(work, `iam-warden-${pkg.version}.tgz`);
      const packed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
      const manifest = JSON.parse(await readFile(join(ROOT, 'dist', 'cli', 'build.json'), 'utf8')) as { files: string[] };

      // The package: the launcher, this build and the licence, nothing of the checkout (no sources, tests or tools).
      expect(packed.sort()).toEqual(
        [
          'package/LICENSE',
          'package/README.md',
          'package/bin/warden.js',
          'package/dist/cli/build.json',
          'package/package.json',
          ...manifest.files.map((file) => `package/dist/cli/${file}`),
        ].sort(),
      );

      // better-sqlite3's install script fetches a prebuilt binary (prebuild-install) or compiles one.
      // Offline and fast here: the binary of this checkout, the same version, as a "local prebuild"
      // (prebuild-install's own switch). Were npm to resolve another version, it would compile it.
      const sqlite = join(ROOT, 'node_modules', 'better-sqlite3');
      const { version } = JSON.parse(await readFile(join(sqlite, 'package.json'), 'utf8')) as { version: string };
      const libc =
        process.platform === 'linux' && (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime === undefined
          ? 'musl'
          : '';
      const prebuilds = join(work, 'prebuilds');
      await mkdir(prebuilds);
      const prebuilt = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
      execFileSync('tar', ['-czf', join(prebuilds, prebuilt), '-C', sqlite, 'build/Release/better_sqlite3.node']);
      const prefix = join(work, 'global');
      const empty = join(work, 'empty');
      await mkdir(empty);

      const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
        cwd: empty,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
      });
      expect(install.status, install.stderr).toBe(0);
      const installed = await readdir(join(prefix, 'lib', 'node_modules', 'iam-warden', 'node_modules'));
      const replay = spawnSync(join(prefix, 'bin', 'warden'), ['replay', DEMO_TRAIL, '--json', '--store', join(empty, 'store'), '--config', DEMO_CONFIG], {
        cwd: empty,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const fromSources = await runWarden(['replay', DEMO_TRAIL, '--json', '--store', join(work, 'store'), '--config', DEMO_CONFIG]);

      expect(installed).toContain('better-sqlite3');
      for (const development of ['tsx', 'esbuild', 'typescript', 'vitest', '@aws-sdk', 'pino', 'dynalite', 'fauxqs'])
        expect(installed).not.toContain(development);
      expect(replay.stderr).toBe('');
      expect(replay.status).toBe(0);
      expect(replay.stdout.split('\n').length).toBeGreaterThan(10);
      expect(replay.stdout).toBe(fromSources.stdout);
    }, 300_000);
  });
});
