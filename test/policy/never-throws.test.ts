import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { EXAMPLE_CONTEXT } from '../../shared/detections/example-events.js';
import { analyseBucketAcl } from '../../shared/policy/bucket-acl.js';
import { analyseBucketPolicy } from '../../shared/policy/bucket-policy.js';
import { parsePolicyDocument } from '../../shared/policy/document.js';
import { readPublicAccessBlock } from '../../shared/policy/public-access.js';
import { findWildcardGrants } from '../../shared/policy/wildcard-grants.js';
import { analyseResourcePolicy } from '../../shared/policy/resource-policy.js';

const anything = fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withSparseArray: true });

// Policy-shaped values reach deeper than plain fc.anything(): statements with odd fields in odd types.
const statement = fc.record(
  {
    Sid: anything,
    Effect: fc.oneof(fc.constantFrom('Allow', 'Deny', 'allow'), anything),
    Action: fc.oneof(fc.constantFrom('*', 's3:*', 'iam:Put*', 's3:GetObject'), fc.array(fc.string()), anything),
    NotAction: anything,
    Resource: fc.oneof(fc.constant('*'), anything),
    NotResource: anything,
    Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: anything, Service: anything }), anything),
    NotPrincipal: anything,
    Condition: fc.oneof(fc.dictionary(fc.string(), fc.dictionary(fc.string(), anything)), anything),
  },
  { requiredKeys: [] },
);
const policyLike = fc.oneof(
  anything,
  fc.record({ Version: anything, Statement: fc.oneof(statement, fc.array(statement), anything) }),
  fc.string().map((text) => `%7B${text}`),
);

const analyses: [string, (input: unknown) => unknown][] = [
  ['parsePolicyDocument', parsePolicyDocument],
  ['findWildcardGrants', findWildcardGrants],
  ['analyseBucketPolicy', analyseBucketPolicy],
  ['analyseBucketAcl', analyseBucketAcl],
  ['readPublicAccessBlock', readPublicAccessBlock],
  [
    'analyseResourcePolicy',
    (input) => analyseResourcePolicy(input, { boundary: EXAMPLE_CONTEXT.boundary, ownAccount: '111122223333', serviceAccountKeys: ['kms:CallerAccount'] }),
  ],
];

describe('never throws on any JSON-like input', () => {
  it.each(analyses)('%s', (_name, analyse) => {
    fc.assert(fc.property(policyLike, (input) => analyse(input) !== null));
    fc.assert(fc.property(policyLike, (input) => analyse(typeof input === 'object' ? (JSON.stringify(input) ?? '') : input) !== null));
  });

  const detections = catalogue;
  const eventNames = detections.flatMap((detection) =>
    detection.events.flatMap((selector) => selector.eventNames.map((name) => [selector.eventSource, name] as const)),
  );
  const record = fc.record({
    event: fc.constantFrom(...eventNames),
    userIdentity: anything,
    requestParameters: fc.oneof(
      anything,
      fc.record(
        {
          userName: anything,
          roleName: anything,
          groupName: anything,
          policyName: anything,
          policyArn: fc.oneof(fc.constant('arn:aws:iam::aws:policy/AdministratorAccess'), anything),
          policyDocument: fc.oneof(
            policyLike.map((p) => JSON.stringify(p) ?? ''),
            anything,
          ),
          setAsDefault: anything,
          bucketName: fc.oneof(fc.constant('b'), anything),
          bucketPolicy: policyLike,
          AccessControlPolicy: anything,
          'x-amz-acl': anything,
          'x-amz-grant-read': anything,
          PublicAccessBlockConfiguration: anything,
          serialNumber: fc.oneof(fc.constant('arn:aws:iam::111122223333:mfa/root-account-mfa-device'), anything),
          accessKeyId: anything,
          status: fc.oneof(fc.constantFrom('Active', 'Inactive'), anything),
        },
        { requiredKeys: [] },
      ),
    ),
    responseElements: anything,
    recipientAccountId: anything,
  });

  it.each(detections.map((detection) => [detection.id, detection] as const))('%s evaluate and resolves', (_id, detection) => {
    fc.assert(
      fc.property(record, ({ event, ...fields }) => {
        const cloudTrail = { eventID: 'e', eventTime: '2026-11-20T10:15:30Z', eventSource: event[0], eventName: event[1], ...fields };
        detection.evaluate(cloudTrail, EXAMPLE_CONTEXT);
        expect(Array.isArray(detection.resolves?.(cloudTrail, EXAMPLE_CONTEXT) ?? [])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
