import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleKey as key, exampleRoot, exampleUser, NO_KEY } from '../example-rows.js';

const neo = exampleUser('neo', { keys: [key(day(0)), NO_KEY] });

export const examples: KeyAuditExamples = {
  positive: [
    {
      name: 'a key created 7 days ago has never been used',
      row: neo,
      now: day(7),
      expect: { severity: 'medium', scope: 'access_key_1' },
    },
    {
      name: 'a second key never used beside one in use',
      row: exampleUser('trinity', { keys: [key(day(-100), day(29)), key(day(0))] }),
      now: day(30),
      expect: { scope: 'access_key_2' },
    },
  ],
  negative: [
    { name: 'a key 6 days old, never used: still in its grace', row: neo, now: day(6) },
    { name: 'a key used once (credentials-unused judges idle keys)', row: exampleUser('morpheus', { keys: [key(day(0), day(1)), NO_KEY] }), now: day(60) },
    { name: 'an inactive key never used', row: exampleUser('cypher', { keys: [key(day(0), undefined, false), NO_KEY] }), now: day(30) },
    { name: "the root user's key never used (root-access-key-exists judges root)", row: exampleRoot({ keys: [key(day(0)), NO_KEY] }), now: day(30) },
  ],
  resolving: [
    {
      name: 'the key was used',
      was: neo,
      row: exampleUser('neo', { keys: [key(day(0), day(8)), NO_KEY] }),
      now: day(8),
      removes: [{ scope: 'access_key_1' }],
    },
    {
      name: 'the key was deactivated',
      was: neo,
      row: exampleUser('neo', { keys: [key(day(0), undefined, false), NO_KEY] }),
      now: day(8),
      removes: [{ scope: 'access_key_1' }],
    },
  ],
};
