import { describe, expect, it } from 'vitest';
import { asffFinding, customProductArn, isCustomProductArn, resourceTypeOf } from '../../shared/export/asff.js';
import type { Finding } from '../../shared/findings/model.js';
import { ruleById } from '../../shared/findings/rule-book.js';

const ACCOUNT = '111122223333';
const PRODUCT_ARN = customProductArn('eu-west-1', ACCOUNT);

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  id: 'f00dfeed0000000000aa',
  ruleId: 'iam-wildcard-grant',
  severity: 'high',
  title: 'IAM policy grants every action',
  account: ACCOUNT,
  region: 'eu-west-1',
  resource: `arn:aws:iam::${ACCOUNT}:role/deploy`,
  summary: 'Role deploy was given Action "*" on Resource "*".',
  details: {},
  status: 'open',
  statusChangedAt: '2026-11-20T10:00:00Z',
  firstSeen: '2026-11-20T10:00:00Z',
  lastSeen: '2026-11-21T09:30:00Z',
  count: 2,
  recentOccurrences: [],
  history: [{ at: '2026-11-20T10:00:00Z', status: 'open', reason: 'detected', by: 'event:1' }],
  alertState: 'sent',
  ...overrides,
});

describe('ASFF mapping', () => {
  it.each([
    [`arn:aws:iam::${ACCOUNT}:root`, 'AwsAccount'],
    [`arn:aws:iam::${ACCOUNT}:user/alice`, 'AwsIamUser'],
    [`arn:aws:iam::${ACCOUNT}:role/path/deploy`, 'AwsIamRole'],
    ['arn:aws:s3:::reports-bucket', 'AwsS3Bucket'],
    [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, 'AwsKmsKey'],
    [`arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`, 'AwsSqsQueue'],
    [`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`, 'AwsEc2SecurityGroup'],
    [`arn:aws:rds:eu-west-1:${ACCOUNT}:cluster-snapshot:nightly`, 'AwsRdsDbClusterSnapshot'],
    [`arn:aws:ec2:eu-west-1:${ACCOUNT}:snapshot/snap-0123456789abcdef0`, 'Other'],
    ['AKIAEXAMPLE', 'Other'],
  ])('names %s an ASFF %s', (arn, type) => {
    expect(resourceTypeOf(arn)).toBe(type);
  });

  it("builds and recognises only an account's own custom-integration product, in its region's partition", () => {
    expect(PRODUCT_ARN).toBe(`arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    expect(customProductArn('cn-north-1', ACCOUNT)).toMatch(/^arn:aws-cn:securityhub:cn-north-1:/);
    expect(isCustomProductArn(PRODUCT_ARN)).toBe(true);
    expect(isCustomProductArn(`arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/444455556666/default`)).toBe(false);
    expect(isCustomProductArn('arn:aws:securityhub:eu-west-1::product/aws/guardduty')).toBe(false);
  });

  it('keeps its text within Security Hub’s limits and takes UpdatedAt from the latest change', () => {
    const resolvedByHand = finding({ title: 'T'.repeat(300), summary: 'S'.repeat(2000), status: 'resolved', statusChangedAt: '2026-11-22T08:00:00.000Z' });

    const asff = asffFinding(resolvedByHand, ruleById(resolvedByHand.ruleId), { productArn: PRODUCT_ARN });

    expect(asff.Title).toHaveLength(256);
    expect(asff.Description).toHaveLength(1024);
    expect((asff.Remediation?.Recommendation?.Text ?? '').length).toBeLessThanOrEqual(512);
    expect(asff).toMatchObject({
      UpdatedAt: '2026-11-22T08:00:00.000Z',
      LastObservedAt: '2026-11-21T09:30:00Z',
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
    });
  });

  it('still exports a finding of a rule this build does not know, without remediation or compliance', () => {
    const asff = asffFinding(finding({ ruleId: 'retired-rule' }), undefined, { productArn: PRODUCT_ARN });

    expect(asff).toMatchObject({ GeneratorId: 'iam-warden/retired-rule', Severity: { Label: 'HIGH' }, Resources: [{ Type: 'AwsIamRole' }] });
    expect(asff).not.toHaveProperty('Remediation');
    expect(asff).not.toHaveProperty('Compliance');
  });
});
