import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleKey as key, exampleRoot, exampleRotation, exampleUser } from '../example-rows.js';

const twin = exampleUser('twin', { keys: [key(day(0), day(9)), key(day(5), day(9))] });

export const examples: KeyAuditExamples = {
  positive: [
    { name: 'a user has both keys active', row: twin, now: day(10), expect: { severity: 'medium', scope: undefined } },
    {
      name: 'both keys active after a rotation finished',
      row: twin,
      now: day(10),
      rotation: exampleRotation({ user: 'twin', oldKeyId: 'AKIAOLDKEY0000000001', phase: 'done' }),
    },
  ],
  negative: [
    { name: 'one key active, one inactive', row: exampleUser('twin', { keys: [key(day(0), day(9)), key(day(5), day(6), false)] }), now: day(10) },
    {
      name: 'both keys active during a rotation in progress',
      row: twin,
      now: day(10),
      rotation: exampleRotation({ user: 'twin', oldKeyId: 'AKIAOLDKEY0000000001' }),
    },
    { name: 'the root user with two keys (root-access-key-exists judges root)', row: exampleRoot({ keys: [key(day(0)), key(day(1))] }), now: day(10) },
  ],
  resolving: [
    {
      name: 'the second key was deactivated',
      was: twin,
      row: exampleUser('twin', { keys: [key(day(0), day(9)), key(day(5), day(9), false)] }),
      now: day(10),
      removes: [{ scope: undefined }],
    },
  ],
};
