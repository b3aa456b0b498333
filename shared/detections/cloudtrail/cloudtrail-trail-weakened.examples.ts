import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const trailArn = `arn:aws:cloudtrail:eu-west-1:${EXAMPLE_ACCOUNT}:trail/management`;
/** The response of UpdateTrail describes the whole trail after the change (API_UpdateTrail response syntax). */
const trailAfter = (changes: object) => ({
  name: 'management',
  s3BucketName: 'example-org-cloudtrail',
  includeGlobalServiceEvents: true,
  isMultiRegionTrail: true,
  trailARN: trailArn,
  logFileValidationEnabled: true,
  isOrganizationTrail: false,
  ...changes,
});
const updateTrail = (requestParameters: object, after: object = {}) =>
  exampleEvent('cloudtrail.amazonaws.com', 'UpdateTrail', {
    requestParameters: { name: 'management', ...requestParameters },
    responseElements: trailAfter(after),
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'made single-region (and so without global service events)',
      record: updateTrail({ isMultiRegionTrail: false, includeGlobalServiceEvents: false }, { isMultiRegionTrail: false, includeGlobalServiceEvents: false }),
      expect: { severity: 'high', resource: trailArn, scope: 'multi-region' },
    },
    {
      name: 'global service events dropped from a single-region trail',
      record: updateTrail({ includeGlobalServiceEvents: false }, { isMultiRegionTrail: false, includeGlobalServiceEvents: false }),
      expect: { severity: 'high', scope: 'global-service-events' },
    },
    {
      name: 'log file validation turned off',
      record: updateTrail({ enableLogFileValidation: false }, { logFileValidationEnabled: false }),
      expect: { severity: 'medium', resource: trailArn, scope: 'log-file-validation' },
    },
    {
      name: 'logs sent to another bucket, by a role, naming the trail by ARN',
      record: exampleEvent('cloudtrail.amazonaws.com', 'UpdateTrail', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { name: trailArn, s3BucketName: 'trail-archive-7f3a' },
        responseElements: trailAfter({ s3BucketName: 'trail-archive-7f3a' }),
      }),
      expect: { severity: 'medium', resource: trailArn, scope: 'log-bucket' },
    },
    {
      name: 'bucket moved and validation off in one call: filed under the bucket',
      record: updateTrail(
        { s3BucketName: 'trail-archive-7f3a', enableLogFileValidation: false },
        { s3BucketName: 'trail-archive-7f3a', logFileValidationEnabled: false },
      ),
      expect: { severity: 'medium', scope: 'log-bucket' },
    },
  ],
  negative: [
    { name: 'validation turned on', record: updateTrail({ enableLogFileValidation: true }) },
    { name: 'made multi-region', record: updateTrail({ isMultiRegionTrail: true }) },
    { name: 'only the SNS topic changed', record: updateTrail({ snsTopicName: 'trail-deliveries' }, { snsTopicName: 'trail-deliveries' }) },
    { name: 'an empty bucket name', record: updateTrail({ s3BucketName: '' }) },
    { name: 'no trail named', record: exampleEvent('cloudtrail.amazonaws.com', 'UpdateTrail', { requestParameters: { enableLogFileValidation: false } }) },
    {
      name: 'trail deleted (reported by cloudtrail-logging-stopped)',
      record: exampleEvent('cloudtrail.amazonaws.com', 'DeleteTrail', { requestParameters: { name: 'management' } }),
    },
    {
      name: 'a trail created single-region',
      record: exampleEvent('cloudtrail.amazonaws.com', 'CreateTrail', {
        requestParameters: { name: 'dev', s3BucketName: 'dev-trail', isMultiRegionTrail: false },
      }),
    },
  ],
  resolving: [
    { name: 'multi-region again', record: updateTrail({ isMultiRegionTrail: true }), removes: [{ resource: trailArn, scope: 'multi-region' }] },
    {
      name: 'multi-region with global service events and validation in one call',
      record: updateTrail({ isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableLogFileValidation: true }),
      removes: [
        { resource: trailArn, scope: 'multi-region' },
        { resource: trailArn, scope: 'global-service-events' },
        { resource: trailArn, scope: 'log-file-validation' },
      ],
    },
    {
      name: 'validation turned back on',
      record: updateTrail({ enableLogFileValidation: true }),
      removes: [{ resource: trailArn, scope: 'log-file-validation' }],
    },
    {
      name: 'trail deleted: every finding of the trail closes',
      record: exampleEvent('cloudtrail.amazonaws.com', 'DeleteTrail', { requestParameters: { name: 'management' } }),
      removes: [{ resource: trailArn }],
    },
  ],
};
