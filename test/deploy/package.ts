/**
 * Packages the service with osls exactly as `npm run package` does (the esbuild bundles first),
 * into a temporary directory, offline: no AWS credentials, no login. One run per test file.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { buildBundles, type BundleReport } from '../../scripts/build.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: unknown;
}

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: string | number;
  readonly AllowedValues?: readonly (string | number)[];
}

export interface Template {
  readonly Parameters?: Record<string, CfnParameter>;
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export interface Packaged {
  readonly template: Template;
  readonly bundles: readonly BundleReport[];
  readonly packageMs: number;
}

/** Held while a test file builds and packages: each build rewrites dist/lambda/, which another's osls may be reading. */
const PACKAGING_LOCK = join(root, 'dist', '.packaging-lock');
/** A lock older than the longest packaging was left by a run that was killed. */
const STALE_LOCK_MS = 5 * 60_000;

export async function packageService(args: readonly string[] = []): Promise<Packaged> {
  await mkdir(dirname(PACKAGING_LOCK), { recursive: true });
  for (;;) {
    try {
      await mkdir(PACKAGING_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(PACKAGING_LOCK).then(
        (lock) => Date.now() - lock.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(PACKAGING_LOCK, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    return await packageOnce(args);
  } finally {
    await rm(PACKAGING_LOCK, { recursive: true, force: true });
  }
}

async function packageOnce(args: readonly string[]): Promise<Packaged> {
  const bundles = await buildBundles();
  const out = await mkdtemp(join(tmpdir(), 'warden-package-'));
  try {
    // Only what osls needs: no AWS credentials or profile reach the child, so packaging is proven offline.
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: out, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
    const started = performance.now();
    await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--package', out, ...args], {
      cwd: root,
      env,
      timeout: 120_000,
    });
    const packageMs = performance.now() - started;
    const template = JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
    return { template, bundles, packageMs };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export function resourcesOfType(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function resource(template: Template, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (found === undefined) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}
