import { describe, expect, it } from 'vitest';
import { iamPasswordPolicyWeakened } from '../../shared/detections/iam/iam-password-policy-weakened.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

const update = (requestParameters: object | null) => exampleEvent('iam.amazonaws.com', 'UpdateAccountPasswordPolicy', { requestParameters });

describe('iam-password-policy-weakened', () => {
  it('names each setting below the benchmark with its value and what it needs', () => {
    const match = iamPasswordPolicyWeakened.evaluate(update({ minimumPasswordLength: 8, requireSymbols: true }), EXAMPLE_CONTEXT);

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
    const match = iamPasswordPolicyWeakened.evaluate(exampleEvent('iam.amazonaws.com', 'DeleteAccountPasswordPolicy'), EXAMPLE_CONTEXT);

    expect(match?.details['belowBenchmark']).toEqual([
      { setting: 'minimumPasswordLength', value: 8, required: 14, defaulted: true },
      { setting: 'passwordReusePrevention', value: 0, required: 24, defaulted: true },
    ]);
  });

  it('neither raises nor resolves on a setting it cannot read', () => {
    const record = update({ minimumPasswordLength: 'fourteen', passwordReusePrevention: 24 });

    expect(iamPasswordPolicyWeakened.evaluate(record, EXAMPLE_CONTEXT)).toBeUndefined();
    expect(iamPasswordPolicyWeakened.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('still raises the readable setting that is below when another cannot be read', () => {
    const match = iamPasswordPolicyWeakened.evaluate(update({ minimumPasswordLength: { odd: true }, passwordReusePrevention: 3 }), EXAMPLE_CONTEXT);

    expect(match?.details['belowBenchmark']).toEqual([{ setting: 'passwordReusePrevention', value: 3, required: 24, defaulted: false }]);
  });

  it('builds the policy identifier in the caller partition', () => {
    const record = update({ minimumPasswordLength: 6, passwordReusePrevention: 24 });
    const govRecord = { ...record, userIdentity: { type: 'IAMUser', arn: 'arn:aws-us-gov:iam::111122223333:user/alice', accountId: '111122223333' } };

    expect(iamPasswordPolicyWeakened.evaluate(govRecord, EXAMPLE_CONTEXT)?.resource).toBe('arn:aws-us-gov:iam::111122223333:account-password-policy');
  });
});
