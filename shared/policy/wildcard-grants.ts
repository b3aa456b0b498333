import { actionLevels, hasWildcard, isEveryAction, isServiceWildcard, permissionsManagementActionsMatching, type ActionLevelsData } from './actions.js';
import { isAllow, parsePolicyDocument, type PolicyStatement } from './document.js';

/**
 * How an Allow statement grants too much:
 * - every-action: `*` (or `*:*`);
 * - not-action: an Allow with NotAction (everything except a list);
 * - service-wildcard: `s3:*`, `IAM:*`;
 * - permissions-management: a partial pattern (`iam:Put*`, `iam:*Policy*`) that reaches
 *   "Permissions management" actions, on every resource (Resource "*" or a NotResource).
 */
export type WildcardKind = 'every-action' | 'not-action' | 'service-wildcard' | 'permissions-management';

export interface WildcardGrant {
  readonly statementIndex: number;
  readonly sid: string | undefined;
  readonly kind: WildcardKind;
  /** The pattern as written, or for not-action the excluded patterns joined ("NotAction iam:*"). */
  readonly pattern: string;
  /** For permissions-management: the actions (service:Action) the pattern reaches. */
  readonly reaches: readonly string[];
  /** Resource "*" (in the list) or a NotResource. */
  readonly everyResource: boolean;
  /** The statement has a Condition: it may narrow the grant, but this analysis does not evaluate it. */
  readonly conditional: boolean;
  readonly severity: 'critical' | 'high';
}

export type WildcardAnalysis =
  | { readonly ok: true; readonly grants: readonly WildcardGrant[]; readonly severity: 'critical' | 'high' | undefined }
  | { readonly ok: false; readonly reason: string };

/**
 * Finds the wildcard grants of an identity policy (a JSON string, URL-encoded JSON or an object).
 * Severity is critical for every action (`*` or an Allow with NotAction) on every resource, high
 * otherwise. Deny statements grant nothing and are ignored.
 */
export function findWildcardGrants(input: unknown, levels: ActionLevelsData = actionLevels): WildcardAnalysis {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) return parsed;
  const grants = parsed.document.statements.filter(isAllow).flatMap((statement) => statementGrants(statement, levels));
  const severity = grants.length === 0 ? undefined : grants.some((grant) => grant.severity === 'critical') ? 'critical' : 'high';
  return { ok: true, grants, severity };
}

function statementGrants(statement: PolicyStatement, levels: ActionLevelsData): WildcardGrant[] {
  const everyResource = statement.notResource !== undefined || (statement.resource ?? []).some((resource) => resource === '*');
  const grant = (kind: WildcardKind, pattern: string, reaches: string[] = []): WildcardGrant => ({
    statementIndex: statement.index,
    sid: statement.sid,
    kind,
    pattern,
    reaches,
    everyResource,
    conditional: statement.conditions.length > 0,
    severity: (kind === 'every-action' || kind === 'not-action') && everyResource ? 'critical' : 'high',
  });

  if (statement.notAction !== undefined) {
    // NotAction: ["*"] excludes everything and so grants nothing.
    if (statement.notAction.some(isEveryAction)) return [];
    return [grant('not-action', `NotAction ${statement.notAction.join(', ')}`)];
  }

  const grants: WildcardGrant[] = [];
  for (const pattern of statement.action ?? []) {
    if (isEveryAction(pattern)) grants.push(grant('every-action', pattern));
    else if (isServiceWildcard(pattern)) grants.push(grant('service-wildcard', pattern));
    else if (hasWildcard(pattern) && everyResource) {
      const reaches = permissionsManagementActionsMatching(pattern, levels);
      if (reaches.length > 0) grants.push(grant('permissions-management', pattern, reaches));
    }
  }
  return grants;
}

/** "iam:*, s3:Put* (reaches s3:PutBucketPolicy, ...)": the matched patterns in a few words, for summaries. */
export function describeGrants(grants: readonly WildcardGrant[], limit = 4): string {
  const patterns = [...new Set(grants.map((grant) => grant.pattern))];
  const shown = patterns.slice(0, limit).join(', ');
  return patterns.length > limit ? `${shown} and ${patterns.length - limit} more` : shown;
}
