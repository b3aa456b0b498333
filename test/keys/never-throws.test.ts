import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CredentialReportRow, ReportKey } from '../../shared/keys/credential-report.js';
import { exampleDay, exampleRotation } from '../../shared/keys/example-rows.js';
import { KEY_MODES } from '../../shared/keys/settings.js';
import { decideAt } from './helpers.js';

// Any row the parser can produce (every date present or not, any flag), at any time, in any mode,
// listed or not, with a stored rotation in any phase: decide() and every check it runs never throw.
const date = fc.option(
  fc.integer({ min: -800, max: 800 }).map((n) => exampleDay(n)),
  { nil: undefined },
);
const reportKey: fc.Arbitrary<ReportKey> = fc.record({
  active: fc.boolean(),
  lastRotated: date,
  lastUsed: date,
  lastUsedRegion: fc.option(fc.constant('us-east-1'), { nil: undefined }),
  lastUsedService: fc.option(fc.constant('s3'), { nil: undefined }),
});
const row: fc.Arbitrary<CredentialReportRow> = fc.record({
  user: fc.constantFrom('alice', '<root_account>'),
  arn: fc.constantFrom('arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:root', 'not-an-arn'),
  isRoot: fc.boolean(),
  userCreationTime: date,
  consoleAccess: fc.boolean(),
  consoleLastUsed: date,
  consoleLastChanged: date,
  mfaActive: fc.boolean(),
  keys: fc.tuple(reportKey, reportKey),
});
const phase = fc.constantFrom('starting', 'key-created', 'delivered', 'old-deactivated', 'done', 'abandoned' as const);

describe('the key audit on odd rows', () => {
  it('never throws, and scopes every finding by slot or console', () => {
    fc.assert(
      fc.property(
        row,
        fc.integer({ min: -10, max: 900 }),
        fc.constantFrom(...KEY_MODES),
        fc.boolean(),
        fc.option(phase),
        (input, now, mode, listed, rotation) => {
          const decision = decideAt([input], exampleDay(now), {
            settings: { mode },
            facts: listed
              ? { [input.user]: { keys: [{ accessKeyId: 'AKIAEXAMPLE000000001', status: 'Active', createDate: exampleDay(0) }], tags: {}, groups: [] } }
              : {},
            rotations: rotation === null ? [] : [exampleRotation({ user: input.user, oldKeyId: 'AKIAEXAMPLE000000001', phase: rotation })],
          });
          for (const finding of decision.findings) expect([undefined, 'access_key_1', 'access_key_2', 'console']).toContain(finding.scope);
        },
      ),
    );
  });
});
