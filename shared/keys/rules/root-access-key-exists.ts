import type { KeyAuditRule } from '../key-audit-rule.js';
import { byHand, keyDetails } from '../evidence.js';
import { slotScope } from '../user-view.js';

const remediation =
  'iam-warden never touches root keys. Sign in as the root user, open Security credentials, Access keys, ' +
  'deactivate then delete the key (a root key cannot be deleted by another identity). Move any automation to an IAM role.';

export const rootAccessKeyExists: KeyAuditRule = {
  id: 'root-access-key-exists',
  title: 'The root user has an active access key',
  severity: 'critical',
  description:
    'The root user has an active access key. A root key gives unrestricted access to the whole account from anywhere and no policy can limit it; AWS advises having none.',
  references: { cis: ['1.4'], securityHub: ['IAM.4'] },
  remediation,

  evaluate(row, context) {
    if (!row.isRoot) return [];
    return context.activeKeys.map((view) => ({
      severity: 'critical',
      resource: row.arn,
      scope: slotScope(view.slot),
      summary: `The root user has an active access key (key ${view.slot}${view.key.lastUsed === undefined ? ', never used' : `, last used ${view.key.lastUsed.toISOString()}`}); delete it by hand as the root user.`,
      details: { ...keyDetails(view, context.now), plannedAction: byHand(remediation) },
    }));
  },
};
