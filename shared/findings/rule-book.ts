import { catalogue } from '../detections/catalogue.js';
import type { RuleDescription } from '../detections/detection.js';
import { keyAuditRules } from '../keys/rules/catalogue.js';

/** Every rule that raises findings: the CloudTrail detections and the key-audit checks. */
export const ruleBook: readonly RuleDescription[] = [...catalogue, ...keyAuditRules];

const byId: ReadonlyMap<string, RuleDescription> = new Map(ruleBook.map((rule) => [rule.id, rule]));

/** What a finding's rule means and how to fix it; undefined for a rule this build does not know. */
export function ruleById(id: string): RuleDescription | undefined {
  return byId.get(id);
}
