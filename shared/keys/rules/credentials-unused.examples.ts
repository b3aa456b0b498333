import type { KeyAuditExamples } from '../key-audit-rule.js';
import { exampleDay as day, exampleKey as key, exampleUser, NO_KEY } from '../example-rows.js';

export const examples: KeyAuditExamples = {
  positive: [
    {
      name: 'a key last used 45 days ago',
      row: exampleUser('idle', { keys: [key(day(-1), day(0)), NO_KEY] }),
      now: day(45),
      expect: { severity: 'medium', scope: 'access_key_1' },
    },
    {
      name: 'a console login last used 45 days ago',
      row: exampleUser('clicker', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(0) }),
      now: day(45),
      expect: { scope: 'console' },
    },
    {
      name: 'a console login never used, its password set 45 days ago',
      row: exampleUser('newpw', { consoleAccess: true, mfaActive: true, consoleLastChanged: day(0) }),
      now: day(45),
      expect: { scope: 'console' },
    },
    {
      name: 'an idle console login and an idle key (one finding each)',
      row: exampleUser('gone', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(0), keys: [key(day(-10), day(0)), NO_KEY] }),
      now: day(60),
      matches: 2,
    },
  ],
  negative: [
    { name: 'a key last used 44 days ago', row: exampleUser('idle', { keys: [key(day(-1), day(0)), NO_KEY] }), now: day(44) },
    { name: 'a key never used (access-key-never-used judges it)', row: exampleUser('neo', { keys: [key(day(0)), NO_KEY] }), now: day(60) },
    { name: 'an inactive key idle for a year', row: exampleUser('sleeper', { keys: [key(day(0), day(1), false), NO_KEY] }), now: day(365) },
    { name: 'no console login any more', row: exampleUser('api', { consoleAccess: false, consoleLastUsed: day(0) }), now: day(90) },
  ],
  resolving: [
    {
      name: 'the key was used again',
      was: exampleUser('idle', { keys: [key(day(-1), day(0)), NO_KEY] }),
      row: exampleUser('idle', { keys: [key(day(-1), day(50)), NO_KEY] }),
      now: day(50),
      removes: [{ scope: 'access_key_1' }],
    },
    {
      name: 'the idle console login was removed, the key used again',
      was: exampleUser('gone', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(0), keys: [key(day(-10), day(0)), NO_KEY] }),
      row: exampleUser('gone', { consoleAccess: false, mfaActive: true, consoleLastUsed: day(0), keys: [key(day(-10), day(59)), NO_KEY] }),
      now: day(60),
      removes: [{ scope: 'console' }, { scope: 'access_key_1' }],
    },
  ],
};
