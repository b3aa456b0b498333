import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleKey as key, exampleRoot, exampleUser, NO_KEY } from '../example-rows.js';

export const examples: KeyAuditExamples = {
  positive: [
    {
      name: 'the root user has an active key, used yesterday',
      row: exampleRoot({ keys: [key(day(-500), day(-1)), NO_KEY] }),
      now: day(0),
      expect: { severity: 'critical', scope: 'access_key_1' },
    },
    {
      name: 'the root user has two active keys, one never used (one finding each)',
      row: exampleRoot({ keys: [key(day(-500), day(-400)), key(day(-10))] }),
      now: day(0),
      matches: 2,
    },
  ],
  negative: [
    { name: 'the root user has no key', row: exampleRoot(), now: day(0) },
    { name: 'the root key is inactive', row: exampleRoot({ keys: [key(day(-500), day(-400), false), NO_KEY] }), now: day(0) },
    { name: 'an IAM user has an active key', row: exampleUser('alice', { keys: [key(day(-10), day(-1)), NO_KEY] }), now: day(0) },
  ],
  resolving: [
    {
      name: 'the root key was deactivated',
      was: exampleRoot({ keys: [key(day(-500), day(-1)), NO_KEY] }),
      row: exampleRoot({ keys: [key(day(-500), day(-1), false), NO_KEY] }),
      now: day(0),
      removes: [{ scope: 'access_key_1' }],
    },
    {
      name: 'both root keys were deleted',
      was: exampleRoot({ keys: [key(day(-500), day(-400)), key(day(-10))] }),
      row: exampleRoot(),
      now: day(0),
      removes: [{ scope: 'access_key_1' }, { scope: 'access_key_2' }],
    },
  ],
};
