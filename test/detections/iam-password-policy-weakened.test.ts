import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { iamPasswordPolicyWeakened } from '../../shared/detections/iam/iam-password-policy-weakened.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

const update = (requestParameters: object | null) => exampleEvent('iam.amazonaws.com', 'UpdateAccountPasswordPolicy', { requestParameters });

describe('iam-password-policy-weakened', () => {
  it('names each setting below the benchmark with its value and what it needs', () => {
    const match = firstMatch(iamPasswordPolicyWeakened, update({ minimumPasswordLength: 8, requireSymbols: true }));

    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice set the password policy of account 111122223333 below the CIS benchmark: ' +
        'minimum length 8, needs 14; passwords remembered 0 (AWS default), needs 24.',
    );
    expect(match?.details).toEqual({
      action: 'UpdateAccountPasswordPolicy',
      belowBenchmark: [
        { setting: 'minimumPasswordLength', value: 8, required: 14, defaulted: false },
        { setting: 'passwordReusePrevention', value: 0, required: 24, defaulted: true },
      ],
    });
  });

  it('judges a deleted policy by the AWS default policy that then applies', () => {
    const match = firstMatch(iamPasswordPolicyWeakened, exampleEvent('iam.amazonaws.com', 'DeleteAccountPasswordPolicy'));

    expect(match?.details['belowBenchmark']).toEqual([
      { setting: 'minimumPasswordLength', value: 8, required: 14, defaulted: true },
      { setting: 'passwordReusePrevention', value: 0, required: 24, defaulted: true },
    ]);
  });

  it('neither raises nor resolves on a setting it cannot read', () => {
    const record = update({ minimumPasswordLength: 'fourteen', passwordReusePrevention: 24 });

    expect(firstMatch(iamPasswordPolicyWeakened, record)).toBeUndefined();
    expect(iamPasswordPolicyWeakened.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('still raises the readable setting that is below when another cannot be read', () => {
    const match = firstMatch(iamPasswordPolicyWeakened, update({ minimumPasswordLength: { odd: true }, passwordReusePrevention: 3 }));

    expect(match?.details['belowBenchmark']).toEqual([{ setting: 'passwordReusePrevention', value: 3, required: 24, defaulted: false }]);
  });

  it('builds the policy identifier in the caller partition', () => {
    const record = update({ minimumPasswordLength: 6, passwordReusePrevention: 24 });
    const govRecord = { ...record, userIdentity: { type: 'IAMUser', arn: 'arn:aws-us-gov:iam::111122223333:user/alice', accountId: '111122223333' } };

    expect(firstMatch(iamPasswordPolicyWeakened, govRecord)?.resource).toBe('arn:aws-us-gov:iam::111122223333:account-password-policy');
  });
});
