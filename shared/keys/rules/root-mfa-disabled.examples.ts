import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleRoot, exampleUser } from '../example-rows.js';

export const examples: KeyAuditExamples = {
  positive: [
    { name: 'the root user has no MFA device', row: exampleRoot({ mfaActive: false }), now: day(0), expect: { severity: 'critical', scope: undefined } },
  ],
  negative: [
    { name: 'the root user has an MFA device', row: exampleRoot(), now: day(0) },
    {
      name: 'an IAM user without MFA (console-user-without-mfa judges users)',
      row: exampleUser('bob', { consoleAccess: true, mfaActive: false }),
      now: day(0),
    },
  ],
  resolving: [
    {
      name: 'an MFA device was assigned to the root user',
      was: exampleRoot({ mfaActive: false }),
      row: exampleRoot({ mfaActive: true }),
      now: day(0),
      removes: [{ scope: undefined }],
    },
  ],
};
