import { accountOf, ROOT_USER_NAME, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/**
 * The IAM user an event is about: the user a request names, else (for the calls a user may make on
 * itself without naming anyone) the calling IAM user.
 */
function userOf(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  const caller = stringField(record, 'userIdentity', 'type') === 'IAMUser' ? stringField(record, 'userIdentity', 'userName') : undefined;
  const name = record.eventName === 'ConsoleLogin' ? caller : (stringField(record, 'requestParameters', 'userName') ?? caller);
  // Root's own IAM calls name it "AWS ROOT USER": not an IAM user (root has its own rule).
  if (name === undefined || name === '' || name === ROOT_USER_NAME) return undefined;
  // Built from the name (unique in an account, path left out) so that the login and the IAM calls
  // that fix it, which name the user only, address the same finding.
  return { name, arn: iamUserArn(record, accountOf(record), name) };
}

const REASONS: Readonly<Record<string, string>> = {
  EnableMFADevice: 'MFA device enabled: console sign-in now asks for it',
  DeleteLoginProfile: 'console password removed',
  DeleteUser: 'user deleted',
};

export const iamUserConsoleLoginWithoutMfa: Detection = {
  id: 'iam-user-console-login-without-mfa',
  title: 'IAM user signed in to the console without MFA',
  severity: 'medium',
  description:
    'An IAM user signed in to the AWS console with a password alone (CloudTrail recorded MFAUsed "No" on a successful ' +
    'ConsoleLogin). A stolen or guessed password is then enough to act with everything the user may do. Medium, not high as ' +
    'for root: the user is limited by its policies, and one finding per user (updated by each later sign-in) says the same ' +
    'thing until MFA is on. Only IAM users are judged: sign-ins through IAM Identity Center, SAML or another federation ' +
    'carry no MFA flag from AWS (the identity provider enforces MFA), and the root user has its own rule. The key audit ' +
    'reports console users without an MFA device even when they do not sign in.',
  remediation:
    'Confirm with the user that the sign-in was theirs; if not, reset the password (`aws iam update-login-profile ' +
    '--user-name USER --password-reset-required ...`) and review what the session did. Then assign an MFA device ' +
    '(the user, in the console: Security credentials, Assign MFA device; or `aws iam create-virtual-mfa-device` and ' +
    '`aws iam enable-mfa-device --user-name USER ...`), or remove the console password if the user does not need one: ' +
    '`aws iam delete-login-profile --user-name USER`. Better still, move people to IAM Identity Center.',
  references: {
    cis: ['1.10'],
    securityHub: ['IAM.5'],
    mitreAttack: ['T1078.004'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html'],
  },
  scoped: false,
  events: [
    { eventSource: 'signin.amazonaws.com', eventNames: ['ConsoleLogin'] },
    { eventSource: 'iam.amazonaws.com', eventNames: ['EnableMFADevice', 'DeleteLoginProfile', 'DeleteUser'] },
  ],

  evaluate(record) {
    if (record.eventName !== 'ConsoleLogin' || stringField(record, 'userIdentity', 'type') !== 'IAMUser') return undefined;
    if (stringField(record, 'responseElements', 'ConsoleLogin') !== 'Success') return undefined;
    // Only an explicit "No": a missing flag is not evidence of a sign-in without MFA.
    if (stringField(record, 'additionalEventData', 'MFAUsed') !== 'No') return undefined;
    const user = userOf(record);
    if (user === undefined) return undefined;
    const from = stringField(record, 'sourceIPAddress') ?? 'an unknown address';
    return {
      severity: 'medium',
      resource: user.arn,
      summary: `IAM user ${user.name} signed in to the console without MFA from ${from}; confirm it was them and assign an MFA device.`,
      details: {
        user: user.name,
        mfaUsed: 'No',
        sourceIPAddress: stringField(record, 'sourceIPAddress'),
        loginTo: stringField(record, 'additionalEventData', 'LoginTo'),
      },
    };
  },

  resolves(record) {
    const reason = Object.hasOwn(REASONS, record.eventName) ? REASONS[record.eventName] : undefined;
    const user = reason === undefined ? undefined : userOf(record);
    return reason === undefined || user === undefined ? [] : [{ resource: user.arn, reason }];
  },
};
