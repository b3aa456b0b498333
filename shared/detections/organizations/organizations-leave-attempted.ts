import { accountOf, actorOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { rootArn } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The account taken out of the organization: the caller's own for LeaveOrganization (a member
 * account leaves), the one named in the request for RemoveAccountFromOrganization (the management
 * account removes a member).
 */
function leavingAccountOf(record: CloudTrailRecord): string | undefined {
  if (record.eventName === 'LeaveOrganization') return accountOf(record);
  const accountId = stringField(record, 'requestParameters', 'accountId');
  return accountId !== undefined && ACCOUNT_ID.test(accountId) ? accountId : undefined;
}

export const organizationsLeaveAttempted: Detection = {
  id: 'organizations-leave-attempted',
  title: 'Account left, or tried to leave, its AWS Organization',
  severity: 'critical',
  description:
    'A member account left its AWS Organization (LeaveOrganization, critical), someone in it tried to and was denied (high: ' +
    'the attempt is the signal), or the management account removed a member (RemoveAccountFromOrganization, high: routine when ' +
    'an account is handed over or closed, yet with the same effect). Outside the organization the account is no longer bound by ' +
    'service control policies, and organization-wide guard rails (organization trail, GuardDuty, Security Hub, Config) stop ' +
    'covering it; if the organization trail was its only trail, iam-warden stops seeing it too. The account is named by its ' +
    'root ARN (arn:<partition>:iam::<account>:root, the form IAM policies use for the account itself), because the ' +
    'Organizations ARN of an account needs the organization id, which these events do not carry. Nothing resolves the ' +
    'finding: joining again (AcceptHandshake) does not say which organization was joined, so close it once the account is back.',
  remediation:
    'If it was not intended, invite the account back from the management account: `aws organizations invite-account-to-organization ' +
    '--target Id=ACCOUNT_ID,Type=ACCOUNT`, then accept in the account: `aws organizations accept-handshake --handshake-id HANDSHAKE_ID`. ' +
    'Review what the actor did before and after, and attach a service control policy that denies `organizations:LeaveOrganization` ' +
    'to every organizational unit so that members cannot leave on their own.',
  references: {
    mitreAttack: ['T1666', 'T1562.008'],
    links: [
      'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_remove.html',
      'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'organizations.amazonaws.com', eventNames: ['LeaveOrganization', 'RemoveAccountFromOrganization'] }],
  // Only a member account can call LeaveOrganization: a denied call means someone in it wanted out.
  failedAttemptsMatter: ['LeaveOrganization'],

  evaluate(record) {
    if (record.eventName !== 'LeaveOrganization' && record.eventName !== 'RemoveAccountFromOrganization') return undefined;
    const account = leavingAccountOf(record);
    if (account === undefined) return undefined;
    const actor = actorOf(record).arn;
    const leaving = record.eventName === 'LeaveOrganization';
    return {
      severity: leaving ? 'critical' : 'high',
      resource: rootArn(record, account),
      summary: leaving
        ? `${actor} called LeaveOrganization to take account ${account} out of its AWS Organization, out of reach of its service control policies and organization-wide logging.`
        : `${actor} removed account ${account} from the AWS Organization of account ${accountOf(record)}: service control policies and organization-wide logging no longer cover it.`,
      details: { action: record.eventName, account },
    };
  },
};
