import { partitionOf } from './arn.js';
import { accountOf, field, stringField, type CloudTrailRecord } from './record.js';

/** A role whose trust policy an event sets: CreateRole (`assumeRolePolicyDocument`) or UpdateAssumeRolePolicy (`policyDocument`). */
export interface RoleTrustChange {
  readonly name: string;
  readonly arn: string;
  /** The trust policy as the event carries it (a JSON string, usually); undefined for other events. */
  readonly document: unknown;
}

export function roleTrustChangeOf(record: CloudTrailRecord): RoleTrustChange | undefined {
  const name = stringField(record, 'requestParameters', 'roleName');
  if (name === undefined || name === '') return undefined;
  // Built from the name alone (role names are unique in an account), so CreateRole, a later
  // UpdateAssumeRolePolicy and DeleteRole of a role with a path address the same finding.
  const arn = `arn:${partitionOf(record)}:iam::${accountOf(record)}:role/${name}`;
  const document = field(record, 'requestParameters', record.eventName === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument');
  return { name, arn, document };
}
