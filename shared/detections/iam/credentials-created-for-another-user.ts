import { accountOf, actorOf, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn } from '../../cloudtrail/arn.js';
import type { Detection, RiskRemoval } from '../detection.js';

const CONSOLE = 'console';

/** The IAM user the request names, when it is not the caller itself (self-service is not a backdoor). */
function otherUser(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  const name = stringField(record, 'requestParameters', 'userName');
  if (name === undefined || name === '') return undefined;
  const caller = stringField(record, 'userIdentity', 'userName');
  if (stringField(record, 'userIdentity', 'type') === 'IAMUser' && caller === name) return undefined;
  return { name, arn: iamUserArn(record, accountOf(record), name) };
}

export const credentialsCreatedForAnotherUser: Detection = {
  id: 'credentials-created-for-another-user',
  title: 'Credentials created for another IAM user',
  severity: 'medium',
  description:
    'Someone created an access key or set a console password for a different IAM user. It is how an intruder keeps a way ' +
    'back in (a backdoor key on a quiet user survives the reset of the identity they came in with), and a key made for ' +
    'someone else has been seen, at least once, by a person other than its owner. Resolved when the key is deleted or made ' +
    'inactive (by anyone), the password removed, or the user deleted; a key of another user switched back on is raised again.',
  remediation:
    'Ask the user whether they asked for it. If not, deactivate it at once (`aws iam update-access-key --user-name USER ' +
    '--access-key-id ID --status Inactive`), then delete it: `aws iam delete-access-key --user-name USER --access-key-id ID` ' +
    'or `aws iam delete-login-profile --user-name USER`, then review what the actor did. Prefer letting users create their own ' +
    'keys, and roles over long-lived keys.',
  references: {
    mitreAttack: ['T1098.001'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'],
  },
  scoped: true,
  events: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: ['CreateAccessKey', 'UpdateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'DeleteAccessKey', 'DeleteLoginProfile', 'DeleteUser'],
    },
  ],

  evaluate(record) {
    const user = otherUser(record);
    if (user === undefined) return undefined;
    const actor = actorOf(record).arn;
    if (record.eventName === 'CreateAccessKey') {
      const accessKeyId = stringField(record, 'responseElements', 'accessKey', 'accessKeyId');
      return {
        severity: 'medium',
        resource: user.arn,
        scope: accessKeyId,
        summary: `${actor} created access key ${accessKeyId ?? '(id not recorded)'} for IAM user ${user.name}; check that ${user.name} asked for it.`,
        details: { user: user.name, accessKeyId },
      };
    }
    if (record.eventName === 'UpdateAccessKey' && stringField(record, 'requestParameters', 'status') === 'Active') {
      // Deactivating resolves the finding; switching a key of another user back on must raise it again.
      const accessKeyId = stringField(record, 'requestParameters', 'accessKeyId');
      if (accessKeyId === undefined) return undefined;
      return {
        severity: 'medium',
        resource: user.arn,
        scope: accessKeyId,
        summary: `${actor} activated access key ${accessKeyId} of IAM user ${user.name} again; check that ${user.name} asked for it.`,
        details: { user: user.name, accessKeyId, status: 'Active' },
      };
    }
    if (record.eventName === 'CreateLoginProfile' || record.eventName === 'UpdateLoginProfile') {
      const verb = record.eventName === 'CreateLoginProfile' ? 'gave' : 'changed the console password of';
      return {
        severity: 'medium',
        resource: user.arn,
        scope: CONSOLE,
        summary: `${actor} ${verb} IAM user ${user.name}${record.eventName === 'CreateLoginProfile' ? ' a console password' : ''}; check that ${user.name} asked for it.`,
        details: { user: user.name, passwordResetRequired: field(record, 'requestParameters', 'passwordResetRequired') },
      };
    }
    return undefined;
  },

  resolves(record) {
    // A user deleting or deactivating its own key, or removing its password, names nobody: the caller is the owner.
    const caller = stringField(record, 'userIdentity', 'type') === 'IAMUser' ? stringField(record, 'userIdentity', 'userName') : undefined;
    const name = stringField(record, 'requestParameters', 'userName') ?? caller;
    if (name === undefined || name === '') return [];
    const resource = iamUserArn(record, accountOf(record), name);
    const removals: RiskRemoval[] = [];
    const accessKeyId = stringField(record, 'requestParameters', 'accessKeyId');
    if (record.eventName === 'DeleteAccessKey' && accessKeyId !== undefined) removals.push({ resource, scope: accessKeyId, reason: 'access key deleted' });
    if (record.eventName === 'UpdateAccessKey' && accessKeyId !== undefined && stringField(record, 'requestParameters', 'status') === 'Inactive') {
      removals.push({ resource, scope: accessKeyId, reason: 'access key deactivated' });
    }
    if (record.eventName === 'DeleteLoginProfile') removals.push({ resource, scope: CONSOLE, reason: 'console password removed' });
    if (record.eventName === 'DeleteUser') removals.push({ resource, reason: 'user deleted' });
    return removals;
  },
};
