import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleKey as key, exampleRoot, exampleUser, NO_KEY } from '../example-rows.js';

export const examples: KeyAuditExamples = {
  positive: [
    {
      name: 'a key in daily use is 90 days old',
      row: exampleUser('busy', { keys: [key(day(0), day(89)), NO_KEY] }),
      now: day(90),
      expect: { severity: 'medium', scope: 'access_key_1' },
    },
    {
      name: 'a key in daily use is 180 days old: high',
      row: exampleUser('busy', { keys: [key(day(0), day(179)), NO_KEY] }),
      now: day(180),
      expect: { severity: 'high', scope: 'access_key_1' },
    },
    {
      name: 'a second key, old and idle, in rotate mode',
      row: exampleUser('ops', { keys: [key(day(80), day(99)), key(day(0), day(1))] }),
      now: day(100),
      settings: { mode: 'rotate' },
      expect: { scope: 'access_key_2' },
    },
  ],
  negative: [
    { name: 'a key 89 days old', row: exampleUser('busy', { keys: [key(day(0), day(88)), NO_KEY] }), now: day(89) },
    { name: 'an old key that is inactive', row: exampleUser('retired', { keys: [key(day(0), day(30), false), NO_KEY] }), now: day(200) },
    { name: "the root user's old key (root-access-key-exists judges root)", row: exampleRoot({ keys: [key(day(0), day(99)), NO_KEY] }), now: day(100) },
  ],
  resolving: [
    {
      name: 'the key was replaced by a new one',
      was: exampleUser('busy', { keys: [key(day(0), day(99)), NO_KEY] }),
      row: exampleUser('busy', { keys: [key(day(95), day(99)), NO_KEY] }),
      now: day(100),
      removes: [{ scope: 'access_key_1' }],
    },
    {
      name: 'the old key was deactivated, the new one kept',
      was: exampleUser('busy', { keys: [key(day(0), day(92)), key(day(91), day(99))] }),
      row: exampleUser('busy', { keys: [key(day(0), day(92), false), key(day(91), day(99))] }),
      now: day(100),
      removes: [{ scope: 'access_key_1' }],
    },
  ],
};
