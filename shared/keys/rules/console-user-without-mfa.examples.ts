import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleRoot, exampleUser } from '../example-rows.js';

const carol = exampleUser('carol', { consoleAccess: true, mfaActive: false, consoleLastUsed: day(-1) });

export const examples: KeyAuditExamples = {
  positive: [
    {
      name: 'a user signs in to the console without MFA',
      row: carol,
      now: day(0),
      expect: { severity: 'high', scope: 'console' },
    },
    {
      name: 'a user has a console password never used, and no MFA',
      row: exampleUser('dave', { consoleAccess: true, mfaActive: false, consoleLastChanged: day(-2) }),
      now: day(0),
      expect: { scope: 'console' },
    },
  ],
  negative: [
    { name: 'a console user with MFA', row: exampleUser('erin', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(-1) }), now: day(0) },
    { name: 'an API-only user without MFA', row: exampleUser('svc-build', { consoleAccess: false, mfaActive: false }), now: day(0) },
    { name: 'the root user without MFA (root-mfa-disabled judges root)', row: exampleRoot({ mfaActive: false }), now: day(0) },
  ],
  resolving: [
    {
      name: 'the user assigned an MFA device',
      was: carol,
      row: { ...carol, mfaActive: true },
      now: day(0),
      removes: [{ scope: 'console' }],
    },
    {
      name: 'the console login was removed',
      was: carol,
      row: { ...carol, consoleAccess: false },
      now: day(0),
      removes: [{ scope: 'console' }],
    },
  ],
};
