import { accountOf, actorOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn } from '../../cloudtrail/arn.js';
import { awsManagedPolicyName } from '../../policy/managed-policies.js';
import type { Detection } from '../detection.js';

/**
 * Whether a policy ARN is one of the AWS-managed quarantine policies AWS attaches to an IAM user whose
 * access key it found exposed: AWSCompromisedKeyQuarantine, ...V2, ...V3, and any later version.
 * Exported for iam-policy-attached-to-user, which leaves these attachments to this rule.
 */
export function isCompromisedKeyQuarantinePolicy(policyArn: string): boolean {
  return awsManagedPolicyName(policyArn)?.startsWith('AWSCompromisedKeyQuarantine') === true;
}

function userOf(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  const name = stringField(record, 'requestParameters', 'userName');
  return name === undefined || name === '' ? undefined : { name, arn: iamUserArn(record, accountOf(record), name) };
}

export const iamUserCompromisedKeyQuarantine: Detection = {
  id: 'iam-user-compromised-key-quarantine',
  title: 'AWS quarantined an IAM user for an exposed access key',
  severity: 'critical',
  description:
    'The AWS-managed policy AWSCompromisedKeyQuarantine (V2, V3...) was attached to an IAM user. AWS does this when it finds ' +
    "the user's access key published (a public repository, a paste site) or used by someone else; it opens a support case at " +
    'the same time. The policy denies only a list of costly or privilege-changing actions: the key still works for everything ' +
    'else the user may do, reading data included. Detaching the policy is not a fix: the exposed key keeps working, now without ' +
    'the brake, and AWS asks that it stay until the steps of the support case are done. So detaching resolves nothing here; ' +
    'deleting the user does. Once the key is rotated, the account reviewed and the policy detached, close the finding by hand.',
  remediation:
    'Follow the AWS support case, in this order: 1) create a new key for the workloads that need one, then deactivate and delete ' +
    'the exposed key (`aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive`, then ' +
    '`aws iam delete-access-key --user-name USER --access-key-id KEY`); 2) review CloudTrail for everything the key did ' +
    '(`aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=KEY`, in every region); ' +
    '3) delete what it created that you do not recognise: EC2 instances and spot requests in every region, Lambda functions, ' +
    'IAM users, keys, roles and policies; 4) remove the published key from where it leaked; 5) only then detach the quarantine ' +
    'policy (`aws iam detach-user-policy --user-name USER --policy-arn ARN`), answer the support case, and close the finding ' +
    '(`warden findings resolve ID --reason ...`).',
  references: {
    mitreAttack: ['T1552.001', 'T1078.004'],
    links: [
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html',
      'https://aws.amazon.com/premiumsupport/knowledge-center/potential-account-compromise/',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['AttachUserPolicy', 'DeleteUser'] }],

  evaluate(record) {
    const policyArn = stringField(record, 'requestParameters', 'policyArn');
    if (record.eventName !== 'AttachUserPolicy' || policyArn === undefined || !isCompromisedKeyQuarantinePolicy(policyArn)) return undefined;
    const user = userOf(record);
    if (user === undefined) return undefined;
    return {
      severity: 'critical',
      resource: user.arn,
      summary:
        `${actorOf(record).arn} attached ${awsManagedPolicyName(policyArn) ?? policyArn} to IAM user ${user.name}: AWS found its ` +
        'access key exposed. Rotate and delete the key and review what it did before detaching the policy.',
      details: { user: user.name, policyArn },
    };
  },

  resolves(record) {
    const user = record.eventName === 'DeleteUser' ? userOf(record) : undefined;
    return user === undefined ? [] : [{ resource: user.arn, reason: 'user deleted, with its access keys' }];
  },
};
