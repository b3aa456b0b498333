import { accountOf, isRootCaller, stringField } from '../../cloudtrail/record.js';
import { rootArn } from '../../cloudtrail/arn.js';
import type { Detection, Severity } from '../detection.js';

/**
 * The sign-in events of the root user's password: changed while signed in, reset through "Forgot
 * password?" (requested, then completed). Each logs its outcome under its own name in
 * responseElements ({"PasswordUpdated": "Success"}), as ConsoleLogin does, rather than an errorCode.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
const EVENTS: ReadonlyMap<string, { readonly severity: Severity; readonly what: (account: string) => string }> = new Map([
  ['PasswordUpdated', { severity: 'high', what: (account: string) => `The root user password of account ${account} was changed` }],
  [
    'PasswordRecoveryCompleted',
    { severity: 'high', what: (account: string) => `The root user password of account ${account} was reset through account recovery` },
  ],
  // Anyone who knows the root e-mail address can ask for a reset link; the link goes to that inbox.
  ['PasswordRecoveryRequested', { severity: 'medium', what: (account: string) => `Someone asked for a root user password reset link for account ${account}` }],
] as const);

export const rootPasswordChanged: Detection = {
  id: 'root-password-changed',
  title: 'Root user password changed or reset',
  severity: 'high',
  description:
    'The root user password was changed, or reset through "Forgot password?" (high), or someone asked for a reset link (medium: ' +
    'nothing changed yet, but whoever reads the root e-mail inbox can now reset the password). Root can do anything, including ' +
    'closing the account and changing its e-mail address, so an unexpected change may be a takeover in progress. It is an ' +
    'incident rather than a state: no event undoes it, so nothing resolves the finding; close it once the owner confirms. Changes ' +
    'of the root e-mail address or MFA device are not covered here (mfa-deactivated covers MFA removal).',
  remediation:
    'Ask the owner of the root credentials whether they did it. If not: reset the root password at once from the sign-in page ' +
    '("Forgot password?"), secure the root e-mail inbox (password and MFA), check the root MFA device, and contact AWS Support if ' +
    'you cannot sign in. Review CloudTrail for root activity since the event (userIdentity.type Root). In an organization, remove ' +
    "member accounts' root credentials altogether: `aws iam enable-organizations-root-credentials-management` from the management account.",
  references: {
    mitreAttack: ['T1098', 'T1078.004'],
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_change-root.html',
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'signin.amazonaws.com', eventNames: [...EVENTS.keys()] }],

  evaluate(record) {
    const event = EVENTS.get(record.eventName);
    if (event === undefined || !isRootCaller(record)) return undefined;
    if (stringField(record, 'responseElements', record.eventName) !== 'Success') return undefined;
    const account = accountOf(record);
    const sourceIPAddress = stringField(record, 'sourceIPAddress');
    return {
      severity: event.severity,
      resource: rootArn(record, account),
      summary: `${event.what(account)} from ${sourceIPAddress ?? 'an unknown address'}; if the owner did not, recover the account now.`,
      details: { event: record.eventName, sourceIPAddress, userAgent: stringField(record, 'userAgent') },
    };
  },
};
