import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';
import { s3AccountBlockPublicAccessRemoved } from '../../shared/detections/s3/s3-account-block-public-access-removed.js';

const put = (requestParameters: Record<string, unknown>) => exampleEvent('s3.amazonaws.com', 'PutAccountPublicAccessBlock', { requestParameters });

describe('s3-account-block-public-access-removed', () => {
  it('names the settings turned off', () => {
    const match = firstMatch(
      s3AccountBlockPublicAccessRemoved,
      put({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false } }),
    );

    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice turned off account-level S3 Block Public Access IgnorePublicAcls, RestrictPublicBuckets for every bucket of account 111122223333.',
    );
    expect(match?.details).toEqual({ account: '111122223333', settingsOff: ['IgnorePublicAcls', 'RestrictPublicBuckets'] });
  });

  it("names the setting in the caller's partition", () => {
    const record = exampleEvent('s3.amazonaws.com', 'DeleteAccountPublicAccessBlock', {
      userIdentity: { type: 'IAMUser', arn: 'arn:aws-us-gov:iam::111122223333:user/alice', accountId: '111122223333' },
    });

    expect(firstMatch(s3AccountBlockPublicAccessRemoved, record)?.resource).toBe('arn:aws-us-gov:s3::111122223333:account-public-access-block');
  });

  it('resolves nothing on a weakened or unreadable configuration', () => {
    const weakened = put({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true } });
    const unreadable = put({});

    expect(s3AccountBlockPublicAccessRemoved.resolves?.(weakened, EXAMPLE_CONTEXT)).toEqual([]);
    expect(s3AccountBlockPublicAccessRemoved.resolves?.(unreadable, EXAMPLE_CONTEXT)).toEqual([]);
  });
});
