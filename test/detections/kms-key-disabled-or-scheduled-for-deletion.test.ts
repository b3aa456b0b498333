import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { kmsKeyDisabledOrScheduledForDeletion } from '../../shared/detections/kms/kms-key-disabled-or-scheduled-for-deletion.js';
import { exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';

const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('kms-key-disabled-or-scheduled-for-deletion', () => {
  it('takes the key ARN from the response when the request names an alias', () => {
    const record = exampleEvent('kms.amazonaws.com', 'DisableKey', {
      requestParameters: { keyId: 'alias/payments' },
      responseElements: { keyId: `arn:aws:kms:eu-west-1:111122223333:key/${keyId}` },
    });

    expect(firstMatch(kmsKeyDisabledOrScheduledForDeletion, record)).toMatchObject({
      resource: `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`,
      details: { keyId },
    });
  });

  it('builds the key ARN in the caller partition from a key id', () => {
    const govUser = { ...exampleIdentities.iamUser, arn: 'arn:aws-us-gov:iam::111122223333:user/alice' };
    const record = exampleEvent('kms.amazonaws.com', 'DisableKey', { userIdentity: govUser, awsRegion: 'us-gov-west-1', requestParameters: { keyId } });

    expect(firstMatch(kmsKeyDisabledOrScheduledForDeletion, record)?.resource).toBe(`arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${keyId}`);
  });

  it('gives the waiting period and deletion date as evidence, and the date in the summary', () => {
    const record = exampleEvent('kms.amazonaws.com', 'ScheduleKeyDeletion', {
      requestParameters: { keyId, pendingWindowInDays: 7 },
      responseElements: { keyId: `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`, keyState: 'PendingDeletion', deletionDate: 'Nov 27, 2026, 10:15:30 AM' },
    });

    const match = firstMatch(kmsKeyDisabledOrScheduledForDeletion, record);

    expect(match?.details).toEqual({ keyId, pendingWindowInDays: 7, deletionDate: 'Nov 27, 2026, 10:15:30 AM', keyState: 'PendingDeletion' });
    expect(match?.summary).toContain('for deletion on Nov 27, 2026, 10:15:30 AM');
  });
});
