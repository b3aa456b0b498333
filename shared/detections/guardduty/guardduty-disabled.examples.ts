import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const detectorId = '12abc34d567e8fa901bc2d34e56789f0';
const destinationId = 'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d';
const detectorArn = `arn:aws:guardduty:eu-west-1:${EXAMPLE_ACCOUNT}:detector/${detectorId}`;
const guardduty = (eventName: string, requestParameters: object | null, responseElements: object | null = null, overrides: object = {}) =>
  exampleEvent('guardduty.amazonaws.com', eventName, { requestParameters, responseElements, ...overrides });
const destinationProperties = {
  destinationArn: `arn:aws:s3:::guardduty-findings-${EXAMPLE_ACCOUNT}`,
  kmsKeyArn: `arn:aws:kms:eu-west-1:${EXAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'detector deleted',
      record: guardduty('DeleteDetector', { detectorId }),
      expect: { severity: 'critical', resource: detectorArn, scope: 'detector' },
    },
    {
      name: 'detector deleted by an assumed role',
      record: guardduty('DeleteDetector', { detectorId }, null, { userIdentity: exampleIdentities.assumedRole }),
      expect: { resource: detectorArn, scope: 'detector' },
    },
    {
      name: 'detector suspended',
      record: guardduty('UpdateDetector', { detectorId, enable: false, findingPublishingFrequency: 'SIX_HOURS' }),
      expect: { severity: 'critical', resource: detectorArn, scope: 'detector' },
    },
    {
      name: 'detector suspended, enable logged as a string',
      record: guardduty('UpdateDetector', { detectorId, enable: 'false' }),
      expect: { scope: 'detector' },
    },
    {
      name: 'findings export removed',
      record: guardduty('DeletePublishingDestination', { detectorId, destinationId }),
      expect: { severity: 'high', resource: detectorArn, scope: 'findings-export' },
    },
  ],
  negative: [
    {
      name: 'protection plan enabled, detector left as it was',
      record: guardduty('UpdateDetector', { detectorId, features: [{ name: 'S3_DATA_EVENTS', status: 'ENABLED' }] }),
    },
    { name: 'publishing frequency changed', record: guardduty('UpdateDetector', { detectorId, findingPublishingFrequency: 'FIFTEEN_MINUTES' }) },
    { name: 'detector enabled', record: guardduty('UpdateDetector', { detectorId, enable: true }) },
    { name: 'export moved to another bucket', record: guardduty('UpdatePublishingDestination', { detectorId, destinationId, destinationProperties }) },
    { name: 'detector created', record: guardduty('CreateDetector', { enable: true, clientToken: '0b1c2d3e-0000-4000-8000-000000000001' }, { detectorId }) },
    { name: 'deletion naming no detector', record: guardduty('DeleteDetector', {}) },
    { name: 'detector read', record: guardduty('GetDetector', { detectorId }) },
  ],
  resolving: [
    {
      name: 'detector enabled again',
      record: guardduty('UpdateDetector', { detectorId, enable: true }),
      removes: [{ resource: detectorArn, scope: 'detector' }],
    },
    {
      name: 'findings export configured again',
      record: guardduty(
        'CreatePublishingDestination',
        { detectorId, destinationType: 'S3', destinationProperties, clientToken: '0b1c2d3e-0000-4000-8000-000000000002' },
        { destinationId },
      ),
      removes: [{ resource: detectorArn, scope: 'findings-export' }],
    },
  ],
};
