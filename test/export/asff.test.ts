import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asffFinding, customProductArn, isCustomProductArn, resourceTypeOf, workflowStatusToSet } from '../../shared/export/asff.js';
import type { Finding, FindingStatus } from '../../shared/findings/model.js';
import { ruleById } from '../../shared/findings/rule-book.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import { exampleFacts } from '../../shared/keys/example-rows.js';
import { keyAuditRules } from '../../shared/keys/rules/catalogue.js';
import { auditExample, loadKeyExamples } from '../keys/load-examples.js';

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

describe('the workflow status set after an import', () => {
  it.each([
    ['resolved', false, 'RESOLVED'],
    ['resolved', true, 'RESOLVED'],
    ['suppressed', false, 'SUPPRESSED'],
    ['open', true, 'NEW'],
    ['open', false, undefined],
  ] as const)('is %s (reopened: %s) -> %s', (status: FindingStatus, reopened, expected) => {
    expect(workflowStatusToSet({ status }, reopened)).toBe(expected);
  });
});

describe('ASFF mapping of key-audit findings (every check, on its own example rows)', () => {
  let dir: string;
  let stores = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-asff-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The stored findings a check raises on its positive examples; `listed`: with the user's keys listed, as before an action. */
  async function findingsOf(ruleId: string, listed: boolean): Promise<Finding[]> {
    const rule = keyAuditRules.find((candidate) => candidate.id === ruleId)!;
    const examples = await loadKeyExamples(ruleId);
    const detected = examples.positive.flatMap((example) => {
      const keys = example.row.keys.flatMap((key, index) =>
        key.lastRotated === undefined || example.row.isRoot
          ? []
          : [
              {
                accessKeyId: `AKIAEXAMPLESLOT${index + 1}0000`,
                status: 'Active' as const,
                createDate: key.lastRotated,
              },
            ],
      );
      return auditExample(rule, listed ? { ...example, facts: exampleFacts(keys) } : example).detected;
    });
    // A store of its own: the same finding audited again, listed or not, would be an unchanged repeat.
    stores += 1;
    const opened = await openEmbeddedStore(join(dir, String(stores)));
    try {
      const { changes } = await opened.store.apply({ detected, resolutions: [] });
      return changes.flatMap((change) => (change.finding === undefined ? [] : [change.finding]));
    } finally {
      await opened.close();
    }
  }

  it.each(keyAuditRules.map((rule) => [rule.id]))('maps %s with its remediation, its CIS and control references and the resource at risk', async (ruleId) => {
    const rule = ruleById(ruleId)!;
    const unlisted = await findingsOf(ruleId, false);
    const listed = await findingsOf(ruleId, true);
    expect(unlisted.length).toBeGreaterThan(0);
    // Once the user is listed, every finding about one key slot of a user names its key.
    for (const finding of listed)
      if (/^access_key_[12]$/.test(finding.scope ?? '') && !finding.resource.endsWith(':root'))
        expect(finding.details['accessKeyId'], finding.id).toBeTypeOf('string');

    for (const finding of [...unlisted, ...listed]) {
      const asff = asffFinding(finding, rule, { productArn: PRODUCT_ARN });
      const owner = asff.Resources?.at(-1);
      const keyId = finding.details['accessKeyId'];

      expect(asff.GeneratorId).toBe(`iam-warden/${ruleId}`);
      expect(asff.Remediation?.Recommendation?.Text).toBe(rule.remediation);
      expect(asff.Compliance?.RelatedRequirements).toEqual(
        expect.arrayContaining((rule.references.cis ?? []).map((id) => `CIS AWS Foundations Benchmark/${id}`)),
      );
      const control = rule.references.securityHub?.[0];
      if (control !== undefined)
        expect(asff.Remediation?.Recommendation?.Url).toBe(
          `https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#${control.toLowerCase().replace('.', '-')}`,
        );
      expect(owner).toMatchObject({ Id: finding.resource, Type: finding.resource.endsWith(':root') ? 'AwsAccount' : 'AwsIamUser' });
      if (typeof keyId === 'string') {
        expect(asff.Resources).toHaveLength(2);
        expect(asff.Resources?.[0]).toMatchObject({
          Type: 'AwsIamAccessKey',
          Id: keyId,
          Details: {
            AwsIamAccessKey: { AccessKeyId: keyId, AccountId: finding.account, PrincipalType: 'IAMUser', PrincipalName: finding.resource.split('/').at(-1) },
          },
        });
        expect(asff.Resources?.[0]?.Details?.AwsIamAccessKey?.CreatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      } else {
        expect(asff.Resources).toHaveLength(1);
      }
    }
  });

  it('names a listed key as its own resource, and before the user is listed the user alone', async () => {
    const [unlisted] = await findingsOf('access-key-not-rotated', false);
    const [listed] = await findingsOf('access-key-not-rotated', true);

    expect(asffFinding(unlisted!, ruleById('access-key-not-rotated'), { productArn: PRODUCT_ARN }).Resources?.map((resource) => resource.Type)).toEqual([
      'AwsIamUser',
    ]);
    expect(asffFinding(listed!, ruleById('access-key-not-rotated'), { productArn: PRODUCT_ARN }).Resources?.map((resource) => resource.Type)).toEqual([
      'AwsIamAccessKey',
      'AwsIamUser',
    ]);
  });

  it('names the key of a root key event under the account, and leaves out a creation time Security Hub would refuse', () => {
    const created = finding({
      ruleId: 'root-access-key-created',
      resource: `arn:aws:iam::${ACCOUNT}:root`,
      scope: 'AKIAIOSFODNN7EXAMPLE',
      details: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', createDate: 'Nov 20, 2026 10:00:00 AM', createdAt: 'yesterday' },
    });

    const asff = asffFinding(created, ruleById('root-access-key-created'), { productArn: PRODUCT_ARN });

    expect(asff.Resources).toEqual([
      {
        Type: 'AwsIamAccessKey',
        Id: 'AKIAIOSFODNN7EXAMPLE',
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: { AwsIamAccessKey: { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', AccountId: ACCOUNT, PrincipalType: 'Root' } },
      },
      { Type: 'AwsAccount', Id: `arn:aws:iam::${ACCOUNT}:root`, Partition: 'aws', Region: 'eu-west-1' },
    ]);
  });

  it('ignores an access key id that is not one (odd details never reach Security Hub as a resource)', () => {
    const odd = finding({ details: { accessKeyId: 'not a key id <script>' } });

    expect(asffFinding(odd, ruleById(odd.ruleId), { productArn: PRODUCT_ARN }).Resources).toHaveLength(1);
  });
});
