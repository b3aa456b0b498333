import type { KeyAuditRule } from '../key-audit-rule.js';
import { activeKeyDetails } from '../evidence.js';
import { reached, slotScope, wholeDays } from '../user-view.js';

export const accessKeyNeverUsed: KeyAuditRule = {
  id: 'access-key-never-used',
  title: 'An active access key has never been used',
  severity: 'medium',
  description:
    'An active access key has never been used since it was created. Unused keys are pure risk: nobody watches them, and they are often left over or created by an intruder for later.',
  references: { cis: ['1.11'] },
  remediation:
    'Deactivate the key (aws iam update-access-key --user-name USER --access-key-id ID --status Inactive) and delete it if nobody claims it. Create keys only when they are needed.',

  evaluate(row, context) {
    if (row.isRoot) return [];
    const { now, settings } = context;
    // Never used: N/A or no_information in the report. The grace leaves time to install a new key.
    return context.activeKeys
      .filter((view) => view.neverUsed && reached(now, view.key.lastRotated, settings.neverUsedGraceDays))
      .map((view) => ({
        severity: 'medium',
        resource: row.arn,
        scope: slotScope(view.slot),
        summary: `User ${row.user}'s access key ${view.slot} was created ${wholeDays(now, view.key.lastRotated)} days ago and has never been used. ${context.planFor(view.slot).description}`,
        details: activeKeyDetails(view, context),
      }));
  },
};
