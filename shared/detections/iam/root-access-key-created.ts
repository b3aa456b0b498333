import { accountOf, field, isRootActingOnItself, stringField } from '../../cloudtrail/record.js';
import { rootArn } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

export const rootAccessKeyCreated: Detection = {
  id: 'root-access-key-created',
  title: 'Access key created for the root user',
  severity: 'critical',
  description:
    'The root user created an access key for itself. A root access key gives unrestricted, un-scopable access ' +
    'to the whole account from anywhere, and it cannot be limited by any IAM or SCP policy.',
  remediation:
    'If nobody expected this, treat the root credentials as compromised: change the root password, check root MFA, ' +
    'and review CloudTrail for what the key did. Then delete the key: sign in as root, open Security credentials, ' +
    'Access keys, Delete (a root key cannot be deleted with another identity).',
  references: {
    cis: ['1.4'],
    securityHub: ['IAM.4'],
    mitreAttack: ['T1098.001'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html'],
  },
  scoped: true,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['CreateAccessKey', 'DeleteAccessKey', 'UpdateAccessKey'] }],

  evaluate(record) {
    if (!isRootActingOnItself(record)) return undefined;
    const account = accountOf(record);
    if (record.eventName === 'UpdateAccessKey' && stringField(record, 'requestParameters', 'status') === 'Active') {
      // Deactivating resolves the finding; switching the key back on must raise it again.
      const accessKeyId = stringField(record, 'requestParameters', 'accessKeyId');
      return {
        severity: 'critical',
        resource: rootArn(record, account),
        scope: accessKeyId,
        summary: `The root user of account ${account} activated access key ${accessKeyId ?? '(id not recorded)'} again; delete it unless you need it.`,
        details: { accessKeyId, status: 'Active' },
      };
    }
    if (record.eventName !== 'CreateAccessKey') return undefined;
    const accessKeyId = stringField(record, 'responseElements', 'accessKey', 'accessKeyId');
    return {
      severity: 'critical',
      resource: rootArn(record, account),
      scope: accessKeyId,
      summary: `The root user of account ${account} created access key ${accessKeyId ?? '(id not recorded)'}; delete it unless you made it on purpose.`,
      details: { accessKeyId, createDate: field(record, 'responseElements', 'accessKey', 'createDate') },
    };
  },

  resolves(record) {
    if (!isRootActingOnItself(record)) return [];
    const accessKeyId = stringField(record, 'requestParameters', 'accessKeyId');
    if (accessKeyId === undefined) return [];
    const resource = rootArn(record, accountOf(record));
    if (record.eventName === 'DeleteAccessKey') return [{ resource, scope: accessKeyId, reason: 'root access key deleted' }];
    if (record.eventName === 'UpdateAccessKey' && stringField(record, 'requestParameters', 'status') === 'Inactive') {
      return [{ resource, scope: accessKeyId, reason: 'root access key deactivated' }];
    }
    return [];
  },
};
