import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';
import { s3BucketLifecycleQuickExpiry } from '../../shared/detections/s3/s3-bucket-lifecycle-quick-expiry.js';

const putLifecycle = (rule: unknown, overrides: Record<string, unknown> = {}) =>
  exampleEvent('s3.amazonaws.com', 'PutBucketLifecycle', {
    requestParameters: { bucketName: 'acme-trail-logs', LifecycleConfiguration: { Rule: rule } },
    ...overrides,
  });

describe('s3-bucket-lifecycle-quick-expiry', () => {
  it('names each quick rule with its prefix and the expiry that makes it quick', () => {
    const record = putLifecycle([
      { ID: 'archive', Status: 'Enabled', Expiration: { Days: 400 } },
      { ID: 'wipe', Status: 'Enabled', Filter: { And: { Prefix: 'AWSLogs/', Tag: { Key: 'k', Value: 'v' } } }, Expiration: { Days: '1' } },
      { Status: 'enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]);

    const match = firstMatch(s3BucketLifecycleQuickExpiry, record);

    expect(match?.details['rules']).toEqual([
      { rule: 'wipe', prefix: 'AWSLogs/', expirationDays: 1 },
      { rule: 'rule 2', noncurrentVersionExpirationDays: 1 },
    ]);
    expect(match?.summary).toContain('(wipe, rule 2)');
  });

  it('counts a date-based expiration as quick only within a day of the event', () => {
    const rule = (date: string) => ({ ID: 'by-date', Status: 'Enabled', Expiration: { Date: date } });

    const nextDay = firstMatch(s3BucketLifecycleQuickExpiry, putLifecycle(rule('2026-11-21T00:00:00.000Z')));
    const twoDaysLater = firstMatch(s3BucketLifecycleQuickExpiry, putLifecycle(rule('2026-11-23T00:00:00.000Z')));

    expect(nextDay?.details['rules']).toEqual([{ rule: 'by-date', expirationDate: '2026-11-21T00:00:00.000Z' }]);
    expect(twoDaysLater).toBeUndefined();
  });

  it('ignores a date it cannot compare with the event time', () => {
    const record = putLifecycle({ ID: 'by-date', Status: 'Enabled', Expiration: { Date: 'soon' } });

    expect(firstMatch(s3BucketLifecycleQuickExpiry, record)).toBeUndefined();
  });

  it('reads neither fractional nor non-numeric day strings as days', () => {
    const record = putLifecycle([
      { ID: 'a', Status: 'Enabled', Expiration: { Days: '0.5' } },
      { ID: 'b', Status: 'Enabled', Expiration: { Days: 'one' } },
    ]);

    expect(firstMatch(s3BucketLifecycleQuickExpiry, record)).toBeUndefined();
  });

  it('does not resolve on a PutBucketLifecycle whose configuration it cannot read', () => {
    const record = exampleEvent('s3.amazonaws.com', 'PutBucketLifecycle', { requestParameters: { bucketName: 'acme-trail-logs', lifecycle: '' } });

    expect(s3BucketLifecycleQuickExpiry.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('resolves on a configuration left without any rule', () => {
    const removals = s3BucketLifecycleQuickExpiry.resolves?.(putLifecycle(undefined), EXAMPLE_CONTEXT);

    expect(removals).toEqual([{ resource: 'arn:aws:s3:::acme-trail-logs', reason: 'lifecycle configuration replaced by one without a quick expiry' }]);
  });
});
