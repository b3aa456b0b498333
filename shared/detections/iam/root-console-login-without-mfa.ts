import { accountOf, isRootActingOnItself, isRootCaller, stringField } from '../../cloudtrail/record.js';
import { rootArn } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

export const rootConsoleLoginWithoutMfa: Detection = {
  id: 'root-console-login-without-mfa',
  title: 'Root user signed in without MFA',
  severity: 'high',
  description:
    'The root user signed in to the console with a password alone. Root can do anything, including closing the account, and ' +
    'cannot be limited by any policy; a password alone is one phishing e-mail away from losing the account.',
  remediation:
    'If this was not you, change the root password at once and review what the session did. Then assign an MFA device to root ' +
    '(sign in as root, Security credentials, Assign MFA device), ideally a hardware key, and keep root for the few tasks that need it.',
  references: {
    cis: ['1.5', '1.7'],
    securityHub: ['IAM.9'],
    mitreAttack: ['T1078.004'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html'],
  },
  scoped: false,
  events: [
    { eventSource: 'signin.amazonaws.com', eventNames: ['ConsoleLogin'] },
    { eventSource: 'iam.amazonaws.com', eventNames: ['EnableMFADevice'] },
  ],

  evaluate(record) {
    if (record.eventName !== 'ConsoleLogin' || !isRootCaller(record)) return undefined;
    if (stringField(record, 'responseElements', 'ConsoleLogin') !== 'Success') return undefined;
    // Only an explicit "No": a missing flag is not evidence of a login without MFA.
    if (stringField(record, 'additionalEventData', 'MFAUsed') !== 'No') return undefined;
    const account = accountOf(record);
    return {
      severity: 'high',
      resource: rootArn(record, account),
      summary: `The root user of account ${account} signed in to the console without MFA from ${stringField(record, 'sourceIPAddress') ?? 'an unknown address'}.`,
      details: { mfaUsed: 'No', loginTo: stringField(record, 'additionalEventData', 'LoginTo') },
    };
  },

  resolves(record) {
    return record.eventName === 'EnableMFADevice' && isRootActingOnItself(record)
      ? [{ resource: rootArn(record, accountOf(record)), reason: 'MFA device assigned to the root user' }]
      : [];
  },
};
