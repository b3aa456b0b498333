import {
  actionLevels,
  actionMatcher,
  hasWildcard,
  isEveryAction,
  isServiceWildcard,
  permissionsManagementActionsMatching,
  SELF_ESCALATION_ACTIONS,
  splitAction,
  type ActionLevelsData,
} from './actions.js';
import { isAllow, parsePolicyDocument, type PolicyStatement } from './document.js';

/**
 * How an Allow statement grants too much:
 * - every-action: `*` (or `*:*`);
 * - not-action: an Allow with NotAction (everything except a list);
 * - service-wildcard: `s3:*`, `IAM:*`;
 * - permissions-management: a partial pattern (`iam:Put*`, `iam:*Policy*`) that reaches
 *   "Permissions management" actions on every resource of their service.
 */
export type WildcardKind = 'every-action' | 'not-action' | 'service-wildcard' | 'permissions-management';

export interface WildcardGrant {
  readonly statementIndex: number;
  readonly sid: string | undefined;
  readonly kind: WildcardKind;
  /** The pattern as written, or for not-action the excluded patterns joined ("NotAction iam:*"). */
  readonly pattern: string;
  /** For permissions-management: the actions (service:Action) the pattern reaches on every resource. */
  readonly reaches: readonly string[];
  /**
   * The grant reaches every resource its actions act on: Resource "*", an ARN pattern that covers every
   * resource of the service ("arn:aws:s3:::*", "arn:aws:iam::*:*"), or a NotResource that leaves some out.
   */
  readonly everyResource: boolean;
  /**
   * The IAM actions the grant allows on every IAM resource that let a principal make itself
   * administrator (SELF_ESCALATION_ACTIONS): empty when it allows none of them.
   */
  readonly selfEscalation: readonly string[];
  /** The statement has a Condition: it may narrow the grant, but this analysis does not evaluate it. */
  readonly conditional: boolean;
  readonly severity: 'critical' | 'high';
}

export type WildcardAnalysis =
  | { readonly ok: true; readonly grants: readonly WildcardGrant[]; readonly severity: 'critical' | 'high' | undefined }
  | { readonly ok: false; readonly reason: string };

/**
 * Finds the wildcard grants of an identity policy (a JSON string, URL-encoded JSON or an object).
 * Severity is critical for a grant that hands over the account: every action (`*` or an Allow with
 * NotAction) on every resource, or any grant that lets a principal make itself administrator (`iam:*`,
 * `iam:Put*`... on every IAM resource), as severe as PowerUserAccess; high otherwise. Deny statements
 * grant nothing and are ignored.
 */
export function findWildcardGrants(input: unknown, levels: ActionLevelsData = actionLevels): WildcardAnalysis {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) return parsed;
  const grants = parsed.document.statements.filter(isAllow).flatMap((statement) => statementGrants(statement, levels));
  const severity = grants.length === 0 ? undefined : grants.some((grant) => grant.severity === 'critical') ? 'critical' : 'high';
  return { ok: true, grants, severity };
}

/**
 * How far a statement's resources reach for the actions of one service (undefined: actions of any
 * service, as `*` and NotAction allow):
 * - every: a Resource entry covers every resource of the service, or a NotResource leaves out only some;
 * - listed: only the resources named;
 * - none: a NotResource that leaves out every resource of the service (`NotResource: "*"`), or one that
 *   names nothing readable (IAM requires at least one resource), grants nothing.
 */
type Reach = 'every' | 'listed' | 'none';

function reachOf(statement: PolicyStatement, service: string | undefined): Reach {
  if (statement.notResource !== undefined) {
    if (statement.notResource.length === 0) return 'none';
    return statement.notResource.some((pattern) => coversEveryResource(pattern, service)) ? 'none' : 'every';
  }
  return (statement.resource ?? []).some((pattern) => coversEveryResource(pattern, service)) ? 'every' : 'listed';
}

const onlyStars = (text: string): boolean => /^\*+$/.test(text);

/**
 * Whether a Resource pattern matches every resource of a service (of every service when `service` is
 * undefined): `*`, `arn:*`, `arn:aws:s3:::*`, `arn:aws:iam::*:*`, `arn:aws:iam::*`. IAM lets a `*` that
 * ends an ARN segment match across the colons after it (IAM User Guide, "IAM JSON policy elements:
 * Resource"), so an all-star segment ends the pattern's narrowing. The region and account segments may
 * be empty, as global resources write them (IAM, S3 buckets); a named region or account, or a resource
 * part such as `user/*`, narrows the grant and is read as listed resources.
 */
export function coversEveryResource(pattern: string, service: string | undefined): boolean {
  if (onlyStars(pattern)) return true;
  const segments = pattern.split(':');
  if (segments[0]?.toLowerCase() !== 'arn') return false;
  for (let index = 1; index < segments.length; index += 1) {
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (onlyStars(segment) && last) return true;
    const covers =
      index === 1
        ? onlyStars(segment) || segment.startsWith('aws') // any partition: a principal acts in its own
        : index === 2
          ? onlyStars(segment) || (service !== undefined && segment.toLowerCase() === service.toLowerCase())
          : index <= 4
            ? segment === '' || onlyStars(segment)
            : onlyStars(segment);
    if (!covers) return false;
  }
  return false;
}

function statementGrants(statement: PolicyStatement, levels: ActionLevelsData): WildcardGrant[] {
  // A partial pattern can reach hundreds of actions: each service's reach is worked out once.
  const reaches = new Map<string | undefined, Reach>();
  const reach = (service: string | undefined): Reach => {
    const known = reaches.get(service?.toLowerCase());
    if (known !== undefined) return known;
    const found = reachOf(statement, service);
    reaches.set(service?.toLowerCase(), found);
    return found;
  };
  const iamReach = reach('iam');
  const grant = (kind: WildcardKind, pattern: string, everyResource: boolean, allows: (action: string) => boolean, reaches: string[] = []): WildcardGrant => {
    const selfEscalation = iamReach === 'every' ? SELF_ESCALATION_ACTIONS.filter(allows) : [];
    return {
      statementIndex: statement.index,
      sid: statement.sid,
      kind,
      pattern,
      reaches,
      everyResource,
      selfEscalation,
      conditional: statement.conditions.length > 0,
      severity: ((kind === 'every-action' || kind === 'not-action') && everyResource) || selfEscalation.length > 0 ? 'critical' : 'high',
    };
  };

  if (statement.notAction !== undefined) {
    // NotAction: ["*"] excludes everything and so grants nothing.
    if (statement.notAction.some(isEveryAction)) return [];
    const everywhere = reach(undefined);
    if (everywhere === 'none') return [];
    const excluded = statement.notAction.map(actionMatcher);
    return [
      grant('not-action', `NotAction ${statement.notAction.join(', ')}`, everywhere === 'every', (action) => !excluded.some((matcher) => matcher.test(action))),
    ];
  }

  const grants: WildcardGrant[] = [];
  for (const pattern of statement.action ?? []) {
    const matcher = actionMatcher(pattern);
    const allows = (action: string): boolean => matcher.test(action);
    if (isEveryAction(pattern)) {
      const everywhere = reach(undefined);
      if (everywhere !== 'none') grants.push(grant('every-action', pattern, everywhere === 'every', allows));
    } else if (isServiceWildcard(pattern)) {
      const ofService = reach(splitAction(pattern)?.service);
      if (ofService !== 'none') grants.push(grant('service-wildcard', pattern, ofService === 'every', allows));
    } else if (hasWildcard(pattern)) {
      // A partial pattern matters where it reaches permissions management on every resource of the action's service.
      const reached = permissionsManagementActionsMatching(pattern, levels).filter((action) => reach(splitAction(action)?.service) === 'every');
      if (reached.length > 0) grants.push(grant('permissions-management', pattern, true, allows, reached));
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
