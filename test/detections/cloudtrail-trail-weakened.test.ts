import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { cloudtrailTrailWeakened } from '../../shared/detections/cloudtrail/cloudtrail-trail-weakened.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

const trailArn = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/management';
const updateTrail = (requestParameters: object) =>
  exampleEvent('cloudtrail.amazonaws.com', 'UpdateTrail', { requestParameters: { name: 'management', ...requestParameters } });

describe('cloudtrail-trail-weakened', () => {
  it('files the most severe change and names every change in the summary', () => {
    const record = updateTrail({ enableLogFileValidation: false, s3BucketName: 'trail-archive-7f3a', isMultiRegionTrail: false });

    const match = firstMatch(cloudtrailTrailWeakened, record);

    expect(match).toMatchObject({
      severity: 'high',
      scope: 'multi-region',
      details: { settings: ['multi-region', 'log-bucket', 'log-file-validation'], s3BucketName: 'trail-archive-7f3a' },
    });
    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice changed trail management: it now records only its home region (eu-west-1); ' +
        'its log files go to bucket trail-archive-7f3a (confirm that bucket is yours); log file validation is off, so edited or deleted log files go unnoticed.',
    );
  });

  it('raises one setting and resolves another when a call does both', () => {
    const engine = new DetectionEngine([cloudtrailTrailWeakened], EXAMPLE_CONTEXT);

    const { detected, resolutions } = engine.evaluate(updateTrail({ isMultiRegionTrail: true, enableLogFileValidation: false }));

    expect(detected.map(({ scope }) => scope)).toEqual(['log-file-validation']);
    expect(resolutions.map(({ resource, scope }) => ({ resource, scope }))).toEqual([{ resource: trailArn, scope: 'multi-region' }]);
  });

  it('reads only booleans: a string "false" changes nothing', () => {
    expect(firstMatch(cloudtrailTrailWeakened, updateTrail({ isMultiRegionTrail: 'false', enableLogFileValidation: 'false' }))).toBeUndefined();
  });
});
