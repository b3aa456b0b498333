import type { KeyAuditRule } from '../key-audit-rule.js';
import { activeKeyDetails } from '../evidence.js';
import { reached, slotScope, wholeDays } from '../user-view.js';

export const accessKeyNotRotated: KeyAuditRule = {
  id: 'access-key-not-rotated',
  title: 'An active access key is older than the rotation age',
  severity: 'high',
  description:
    'An active access key is older than the rotation age. The longer a key lives, the more places it has been copied to and the longer a leaked copy stays useful.',
  references: { cis: ['1.14'], securityHub: ['IAM.3'] },
  remediation:
    'Rotate the key: create a second key, install it where the old one is used, check the old one is no longer used, deactivate it, then delete it. Better: replace the user by a role.',

  evaluate(row, context) {
    if (row.isRoot) return [];
    const { now, settings } = context;
    return context.activeKeys
      .filter((view) => view.rotationDue)
      .map((view) => ({
        severity: reached(now, view.key.lastRotated, settings.rotationHighDays) ? 'high' : 'medium',
        resource: row.arn,
        scope: slotScope(view.slot),
        summary: `User ${row.user}'s access key ${view.slot} is ${wholeDays(now, view.key.lastRotated)} days old (rotation age ${settings.rotationDays}). ${context.planFor(view.slot).description}`,
        details: activeKeyDetails(view, context),
      }));
  },
};
