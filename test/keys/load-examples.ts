import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Detected } from '../../shared/findings/finding.js';
import { accountOfArn, decide, resolutionsAmong } from '../../shared/keys/decide.js';
import type { KeyAuditExampleInput, KeyAuditExamples, KeyAuditResolvingExample, KeyAuditRule } from '../../shared/keys/key-audit-rule.js';
import type { ExampleRun } from '../support/rule-harness.js';
import { reportOf, settingsWith } from './helpers.js';

export const KEY_RULES_DIR = fileURLToPath(new URL('../../shared/keys/rules/', import.meta.url));

/** Every key-audit check file (examples and the catalogue excluded). */
export async function keyRuleFiles(): Promise<string[]> {
  const names = await readdir(KEY_RULES_DIR);
  return names.filter((name) => name.endsWith('.ts') && !name.endsWith('.examples.ts') && name !== 'catalogue.ts');
}

export async function loadKeyExamples(ruleId: string): Promise<KeyAuditExamples> {
  const module = (await import(join(KEY_RULES_DIR, `${ruleId}.examples.ts`))) as { examples: KeyAuditExamples };
  return module.examples;
}

/**
 * Audits one example row with one check, through decide() as the audit does. `open` are findings of
 * this check open before the audit: those it no longer sees come back as resolutions.
 */
export function auditExample(rule: KeyAuditRule, example: KeyAuditExampleInput, open: readonly Detected[] = []): ExampleRun {
  const { row, now } = example;
  const report = reportOf([row], now);
  const decision = decide(
    {
      report,
      now,
      settings: settingsWith(example.settings),
      rotations: new Map(example.rotation === undefined ? [] : [[row.user, example.rotation]]),
      facts: new Map(example.facts === undefined ? [] : [[row.user, example.facts]]),
    },
    [rule],
  );
  const openFindings = open.map((finding) => ({ id: finding.findingId, ruleId: finding.ruleId, resource: finding.resource }));
  const resolved = new Set(resolutionsAmong(openFindings, report, accountOfArn(row.arn), decision.seen).map((resolution) => resolution.findingId));
  // The audit resolves by finding id; each is traced back to the risk it was opened for.
  return { detected: decision.findings, resolutions: open.filter((finding) => resolved.has(finding.findingId)) };
}

/** A resolving example: its earlier row audited first, then its row with those findings open. */
export function auditResolvingExample(rule: KeyAuditRule, example: KeyAuditResolvingExample): ExampleRun {
  const open = auditExample(rule, { ...example, row: example.was }).detected;
  return auditExample(rule, example, open);
}
