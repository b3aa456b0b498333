import type { KeyAuditRule } from '../key-audit-rule.js';
import { byHand, ownerDetails } from '../evidence.js';
import { isRotationInProgress } from '../rotation-state.js';

export const twoActiveAccessKeys: KeyAuditRule = {
  id: 'two-active-access-keys',
  title: 'A user has two active access keys',
  severity: 'medium',
  description: 'A user has both access keys active outside a rotation. The second key is usually forgotten, doubling what can leak without anybody noticing.',
  references: { cis: ['1.13'] },
  remediation: 'Keep one active key per user: find which key is in use (access_key_N_last_used_date), then deactivate and delete the other.',

  evaluate(row, context) {
    // A rotation in progress has both keys active on purpose, until the old one is deactivated.
    if (row.isRoot || !row.keys[0].active || !row.keys[1].active || isRotationInProgress(context.rotation)) return [];
    return [
      {
        severity: 'medium',
        resource: row.arn,
        summary: `User ${row.user} has two active access keys outside a rotation; keep one.`,
        details: {
          ...ownerDetails(context.facts),
          plannedAction: byHand('iam-warden does not choose which of two used keys to keep; deactivate the unused one by hand.'),
        },
      },
    ];
  },
};
