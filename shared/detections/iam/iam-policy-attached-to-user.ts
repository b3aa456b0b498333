import { accountOf, actorOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn } from '../../cloudtrail/arn.js';
import { isCompromisedKeyQuarantinePolicy } from './iam-user-compromised-key-quarantine.js';
import type { Detection } from '../detection.js';

function userOf(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  const name = stringField(record, 'requestParameters', 'userName');
  return name === undefined || name === '' ? undefined : { name, arn: iamUserArn(record, accountOf(record), name) };
}

/**
 * The policy an event names, as the finding's scope: `attached:ARN` for a managed policy, `inline:NAME`
 * for an inline one (the scopes iam-wildcard-grant gives the same policies).
 */
function scopeOf(record: CloudTrailRecord): { scope: string; label: string } | undefined {
  const managed = record.eventName === 'AttachUserPolicy' || record.eventName === 'DetachUserPolicy';
  const policy = stringField(record, 'requestParameters', managed ? 'policyArn' : 'policyName');
  if (policy === undefined || policy === '') return undefined;
  return managed ? { scope: `attached:${policy}`, label: `managed policy ${policy}` } : { scope: `inline:${policy}`, label: `inline policy ${policy}` };
}

export const iamPolicyAttachedToUser: Detection = {
  id: 'iam-policy-attached-to-user',
  title: 'IAM policy attached directly to a user',
  severity: 'low',
  description:
    'A managed policy was attached, or an inline policy written, directly on an IAM user instead of on a group the user ' +
    'belongs to. Permissions granted user by user are hard to review and linger when people change jobs. One finding per ' +
    'user and policy. Low severity: below the default alert threshold (ALERT_MIN_SEVERITY, medium), so these findings are ' +
    'recorded and listed (`warden findings list --rule iam-policy-attached-to-user`) but send no alert unless the threshold ' +
    'is lowered to low. The AWSCompromisedKeyQuarantine policies AWS attaches are left to iam-user-compromised-key-quarantine; ' +
    'what a policy allows is judged by iam-wildcard-grant. Policies that were already on users before iam-warden started are ' +
    'not seen.',
  remediation:
    'Put the user in a group that carries the permissions (`aws iam add-user-to-group --user-name USER --group-name GROUP`, ' +
    'with the policy attached to the group), then remove the direct grant: `aws iam detach-user-policy --user-name USER ' +
    '--policy-arn ARN` or `aws iam delete-user-policy --user-name USER --policy-name NAME`. Better still, give people roles ' +
    'through IAM Identity Center instead of IAM users.',
  references: {
    cis: ['1.15'],
    securityHub: ['IAM.2'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html'],
  },
  scoped: true,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['AttachUserPolicy', 'PutUserPolicy', 'DetachUserPolicy', 'DeleteUserPolicy', 'DeleteUser'] }],

  evaluate(record) {
    if (record.eventName !== 'AttachUserPolicy' && record.eventName !== 'PutUserPolicy') return undefined;
    const policyArn = stringField(record, 'requestParameters', 'policyArn');
    if (policyArn !== undefined && isCompromisedKeyQuarantinePolicy(policyArn)) return undefined;
    const user = userOf(record);
    const policy = scopeOf(record);
    if (user === undefined || policy === undefined) return undefined;
    return {
      severity: 'low',
      resource: user.arn,
      scope: policy.scope,
      summary: `${actorOf(record).arn} gave IAM user ${user.name} the ${policy.label} directly; grant it through a group instead.`,
      details: { user: user.name, policyArn, policyName: stringField(record, 'requestParameters', 'policyName') },
    };
  },

  resolves(record) {
    const user = userOf(record);
    if (user === undefined) return [];
    if (record.eventName === 'DeleteUser') return [{ resource: user.arn, reason: 'user deleted' }];
    if (record.eventName !== 'DetachUserPolicy' && record.eventName !== 'DeleteUserPolicy') return [];
    const policy = scopeOf(record);
    return policy === undefined ? [] : [{ resource: user.arn, scope: policy.scope, reason: `${policy.label} removed from the user` }];
  },
};
