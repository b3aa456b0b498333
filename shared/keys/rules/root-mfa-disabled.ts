import type { KeyAuditRule } from '../key-audit-rule.js';
import { byHand } from '../evidence.js';

export const rootMfaDisabled: KeyAuditRule = {
  id: 'root-mfa-disabled',
  title: 'The root user has no MFA device',
  severity: 'critical',
  description: 'The root user has no MFA device, so its password alone opens the whole account, including billing and account closure.',
  references: { cis: ['1.5'], securityHub: ['IAM.9'] },
  remediation: 'Sign in as the root user, open Security credentials, Multi-factor authentication, Assign MFA device (a hardware or passkey device preferably).',

  evaluate(row) {
    if (!row.isRoot || row.mfaActive) return [];
    return [
      {
        severity: 'critical',
        resource: row.arn,
        summary: 'The root user has no MFA device; assign one now.',
        details: { plannedAction: byHand('iam-warden does not change MFA; assign a device by hand.') },
      },
    ];
  },
};
