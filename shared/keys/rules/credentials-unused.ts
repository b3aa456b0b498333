import type { DetectionMatch } from '../../detections/detection.js';
import type { KeyAuditRule } from '../key-audit-rule.js';
import { activeKeyDetails, byHand, ownerDetails } from '../evidence.js';
import { reached, slotScope, wholeDays } from '../user-view.js';

export const credentialsUnused: KeyAuditRule = {
  id: 'credentials-unused',
  title: 'Credentials not used for a long time',
  severity: 'medium',
  description:
    'An active access key or a console password has not been used for a long time. Dormant credentials are rarely missed when stolen; AWS advises disabling them after 45 days.',
  references: { cis: ['1.12'], securityHub: ['IAM.22'] },
  remediation:
    'Deactivate the unused key (aws iam update-access-key ... --status Inactive) or remove the unused console login (aws iam delete-login-profile --user-name USER).',

  evaluate(row, context) {
    if (row.isRoot) return [];
    const { now, settings } = context;
    const matches: DetectionMatch[] = [];
    // A login never used is idle since its last password change, else since the user was created.
    const consoleSince = row.consoleLastUsed ?? row.consoleLastChanged ?? row.userCreationTime;
    if (row.consoleAccess && reached(now, consoleSince, settings.unusedDays)) {
      matches.push({
        severity: 'medium',
        resource: row.arn,
        scope: 'console',
        summary: `User ${row.user}'s console login has not been used for ${wholeDays(now, consoleSince)} days${row.consoleLastUsed === undefined ? ' (never used)' : ''}.`,
        details: {
          ...ownerDetails(context.facts),
          consoleLastUsedAt: row.consoleLastUsed?.toISOString() ?? null,
          unusedDays: wholeDays(now, consoleSince),
          plannedAction: byHand('iam-warden acts only on access keys; remove the console login by hand.'),
        },
      });
    }
    // A key never used is access-key-never-used's: one finding per risk.
    for (const view of context.activeKeys.filter((key) => !key.neverUsed && key.unused)) {
      const unusedDays = wholeDays(now, view.key.lastUsed);
      matches.push({
        severity: 'medium',
        resource: row.arn,
        scope: slotScope(view.slot),
        summary: `User ${row.user}'s access key ${view.slot} has not been used for ${unusedDays} days. ${context.planFor(view.slot).description}`,
        details: { ...activeKeyDetails(view, context), unusedDays },
      });
    }
    return matches;
  },
};
