import { accountOf, actorOf, type CloudTrailRecord } from '../cloudtrail/record.js';
import { isAccountId, isTrustedAccount } from '../policy/boundary.js';
import type { DetectionContext, DetectionMatch, RiskRemoval } from './detection.js';

/**
 * How the rules for resources shared by account id (EBS snapshots, AMIs, RDS snapshots) judge and
 * address a share: each account an event adds beyond the trusted boundary is a finding of its own,
 * scoped `account/<id>`, and each account an event removes closes the finding that names it.
 */
export interface SharedResource {
  readonly arn: string;
  /** How a person names it: "EBS snapshot snap-0a1b...". */
  readonly label: string;
}

export function accountScope(account: string): string {
  return `account/${account}`;
}

/** Account ids among the grantees ("all" and anything else dropped), unique, in order. */
function accountsIn(grantees: readonly string[]): string[] {
  return [...new Set(grantees.filter(isAccountId))];
}

/**
 * One finding (high) per account the event shared the resource with outside the boundary; none
 * when every account it added is trusted. `consequence` says what such an account can now do
 * ("create a volume from it and read the whole disk").
 */
export function sharedOutsideMatches(
  record: CloudTrailRecord,
  context: DetectionContext,
  resource: SharedResource,
  grantees: readonly string[],
  consequence: string,
  details: Readonly<Record<string, unknown>>,
): DetectionMatch[] {
  const own = accountOf(record);
  return accountsIn(grantees)
    .filter((account) => !isTrustedAccount(context.boundary, account, own))
    .map((account) => ({
      severity: 'high',
      resource: resource.arn,
      scope: accountScope(account),
      summary: `${actorOf(record).arn} shared ${resource.label} with account ${account}, outside the trusted accounts: it can ${consequence}.`,
      details: { ...details, sharedWith: account },
    }));
}

/**
 * The findings an event's removed grantees close, one per account. Every removed account counts,
 * trusted or not, so a finding opened before the boundary changed still closes.
 */
export function unsharedRemovals(resource: SharedResource, grantees: readonly string[], reason: string): RiskRemoval[] {
  return accountsIn(grantees).map((account) => ({ resource: resource.arn, scope: accountScope(account), reason }));
}
