import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = `arn:aws:kms:eu-west-1:${EXAMPLE_ACCOUNT}:key/${keyId}`;
const multiRegionKeyArn = `arn:aws:kms:eu-west-1:${EXAMPLE_ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
/** KMS records name the key they acted on in `resources`, as the AWS KMS developer guide's CloudTrail examples show. */
const resources = (arn: string) => [{ accountId: EXAMPLE_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }];
const kms = (eventName: string, requestParameters: object, responseElements: object | null = null, arn = keyArn) =>
  exampleEvent('kms.amazonaws.com', eventName, { requestParameters, responseElements, resources: resources(arn) });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'key disabled by key id (older records have no response)',
      record: kms('DisableKey', { keyId }),
      expect: { severity: 'high', resource: keyArn, scope: 'disabled' },
    },
    { name: 'key disabled by key ARN', record: kms('DisableKey', { keyId: keyArn }, { keyId: keyArn }), expect: { resource: keyArn, scope: 'disabled' } },
    {
      name: 'deletion scheduled with the shortest window',
      record: kms(
        'ScheduleKeyDeletion',
        { pendingWindowInDays: 7, keyId },
        { keyId: keyArn, keyState: 'PendingDeletion', deletionDate: 'Nov 27, 2026, 10:15:30 AM' },
      ),
      expect: { severity: 'high', resource: keyArn, scope: 'deletion-scheduled' },
    },
    {
      name: 'deletion of a multi-Region primary key waits for its replicas',
      record: kms(
        'ScheduleKeyDeletion',
        { pendingWindowInDays: 30, keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' },
        { keyId: multiRegionKeyArn, keyState: 'PendingReplicaDeletion', pendingWindowInDays: 30 },
        multiRegionKeyArn,
      ),
      expect: { resource: multiRegionKeyArn, scope: 'deletion-scheduled' },
    },
    {
      name: 'a role schedules deletion by key ARN',
      record: exampleEvent('kms.amazonaws.com', 'ScheduleKeyDeletion', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { keyId: keyArn, pendingWindowInDays: 30 },
        responseElements: { keyId: keyArn, keyState: 'PendingDeletion', deletionDate: 'Dec 20, 2026, 10:15:30 AM', pendingWindowInDays: 30 },
        resources: resources(keyArn),
      }),
      expect: { resource: keyArn, scope: 'deletion-scheduled' },
    },
  ],
  negative: [
    { name: 'key enabled', record: kms('EnableKey', { keyId }) },
    { name: 'deletion cancelled', record: kms('CancelKeyDeletion', { keyId }, { keyId: keyArn }) },
    { name: 'key described', record: kms('DescribeKey', { keyId }) },
    { name: 'no key named', record: kms('DisableKey', {}) },
    { name: 'an alias with no key ARN in the response', record: kms('DisableKey', { keyId: 'alias/payments' }) },
  ],
  resolving: [
    {
      name: 'key enabled again: neither disabled nor pending deletion',
      record: kms('EnableKey', { keyId }),
      removes: [
        { resource: keyArn, scope: 'disabled' },
        { resource: keyArn, scope: 'deletion-scheduled' },
      ],
    },
    {
      name: 'deletion cancelled',
      record: kms('CancelKeyDeletion', { keyId }, { keyId: keyArn }),
      removes: [{ resource: keyArn, scope: 'deletion-scheduled' }],
    },
    {
      name: 'deletion cancelled by key ARN',
      record: kms('CancelKeyDeletion', { keyId: keyArn }, { keyId: keyArn }),
      removes: [{ resource: keyArn, scope: 'deletion-scheduled' }],
    },
  ],
};
