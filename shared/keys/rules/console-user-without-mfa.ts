import type { KeyAuditRule } from '../key-audit-rule.js';
import { byHand, ownerDetails } from '../evidence.js';

export const consoleUserWithoutMfa: KeyAuditRule = {
  id: 'console-user-without-mfa',
  title: 'A user with a console login has no MFA device',
  severity: 'high',
  description: 'A user who can sign in to the console has no MFA device: a phished or reused password is enough to act as them.',
  references: { cis: ['1.10'], securityHub: ['IAM.5'] },
  remediation:
    'Have the user assign an MFA device (IAM console, Users, the user, Security credentials, Assign MFA device), or remove the console login: aws iam delete-login-profile --user-name USER.',

  evaluate(row, context) {
    if (row.isRoot || !row.consoleAccess || row.mfaActive) return [];
    return [
      {
        severity: 'high',
        resource: row.arn,
        scope: 'console',
        summary: `User ${row.user} can sign in to the console without MFA.`,
        details: {
          ...ownerDetails(context.facts),
          consoleLastUsedAt: row.consoleLastUsed?.toISOString() ?? null,
          plannedAction: byHand('iam-warden does not change console logins or MFA; assign an MFA device or remove the login.'),
        },
      },
    ];
  },
};
