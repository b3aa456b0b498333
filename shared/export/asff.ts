/**
 * A finding in the AWS Security Finding Format (ASFF), as an account's own custom integration sends
 * it to Security Hub with BatchImportFindings. Pure: the same finding always gives the same copy.
 * Field meanings and limits: Security Hub user guide, "AWS Security Finding Format (ASFF)".
 */
import type { AwsSecurityFinding, Compliance, Resource } from '@aws-sdk/client-securityhub';
import type { RuleDescription, Severity } from '../detections/detection.js';
import type { Finding, FindingStatus } from '../findings/model.js';

/** `arn:aws:securityhub:<region>:<account>:product/<account>/default`: findings an account imports about itself. */
export function customProductArn(region: string, account: string): string {
  // The partition follows the region: China and GovCloud regions have their own.
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

const PRODUCT_ARN = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12}):product\/(\d{12})\/default$/;

/** Whether `text` is an account's own custom-integration product ARN (the only one iam-warden imports to). */
export function isCustomProductArn(text: string): boolean {
  const match = PRODUCT_ARN.exec(text);
  return match !== null && match[1] === match[2];
}

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** The workflow statuses iam-warden sets (the stack's IAM policy allows these and no other). */
export const WORKFLOW_STATUSES = ['NEW', 'RESOLVED', 'SUPPRESSED'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Open stays NEW; the provider's own status changes map to the workflow states Security Hub offers. */
const WORKFLOW: Readonly<Record<FindingStatus, WorkflowStatus>> = { open: 'NEW', suppressed: 'SUPPRESSED', resolved: 'RESOLVED' };

/**
 * The workflow status to set with BatchUpdateFindings after an import: BatchImportFindings sets
 * Workflow only when it creates a finding (Security Hub API reference, BatchImportFindings). A resolved
 * or suppressed finding is set to its status at every export, so a retry repairs a missed one (and
 * iam-warden's decision wins over an analyst's); a reopened one goes back to NEW. An open finding is
 * otherwise left alone, so a status an analyst set (NOTIFIED) stays.
 */
export function workflowStatusToSet(finding: Pick<Finding, 'status'>, reopened: boolean): WorkflowStatus | undefined {
  if (finding.status !== 'open') return WORKFLOW[finding.status];
  return reopened ? 'NEW' : undefined;
}

/** ASFF resource types by ARN service and resource prefix; anything else is `Other` (ASFF's catch-all). */
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'iam:root': 'AwsAccount',
  'iam:user': 'AwsIamUser',
  'iam:role': 'AwsIamRole',
  'iam:policy': 'AwsIamPolicy',
  'iam:group': 'AwsIamGroup',
  's3:': 'AwsS3Bucket',
  'kms:key': 'AwsKmsKey',
  'sns:': 'AwsSnsTopic',
  'sqs:': 'AwsSqsQueue',
  'lambda:function': 'AwsLambdaFunction',
  'ec2:security-group': 'AwsEc2SecurityGroup',
  'ec2:volume': 'AwsEc2Volume',
  'rds:db': 'AwsRdsDbInstance',
  'rds:snapshot': 'AwsRdsDbSnapshot',
  'rds:cluster-snapshot': 'AwsRdsDbClusterSnapshot',
  'secretsmanager:secret': 'AwsSecretsManagerSecret',
  'ecr:repository': 'AwsEcrRepository',
  'backup:backup-vault': 'AwsBackupBackupVault',
  'events:event-bus': 'AwsEventsEventbus',
  'cloudtrail:trail': 'AwsCloudTrailTrail',
  'guardduty:detector': 'AwsGuardDutyDetector',
};

/** The ASFF type of the resource an ARN names (`arn:aws:iam::1:user/x` is AwsIamUser). */
export function resourceTypeOf(resource: string): string {
  const [prefix, partition, service, , , ...rest] = resource.split(':');
  if (prefix !== 'arn' || partition === undefined || service === undefined) return 'Other';
  const kind = /^[a-z-]*/.exec(rest.join(':'))?.[0] ?? '';
  return RESOURCE_TYPES[`${service}:${kind}`] ?? RESOURCE_TYPES[`${service}:`] ?? 'Other';
}

/** An IAM access key id (IAM API reference, AccessKeyMetadata: 16 to 128 word characters; AKIA... or ASIA...). */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** ASFF's timestamp form (Security Hub API reference, "Timestamps"): anything else makes Security Hub refuse the finding. */
const ASFF_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** The key-audit scope of one key slot of a credential-report row (`access_key_1`, `access_key_2`). */
const KEY_SLOT_SCOPE = /^access_key_[12]$/;

/** Security Hub's documented maximum lengths for the text fields iam-warden fills. */
const LIMITS = { title: 256, description: 1024, recommendation: 512, productField: 2048 } as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The finding's Id in Security Hub: stable, so every import of the finding replaces the same copy. */
export function asffIdOf(findingId: string): string {
  return `iam-warden/${findingId}`;
}

export interface AsffTarget {
  /** The custom-integration product of the account that imports (customProductArn). */
  readonly productArn: string;
}

/**
 * The finding as ASFF. Its `Id` is the finding id, so each export replaces Security Hub's copy.
 * A resolved finding is RESOLVED and ARCHIVED, a suppressed one SUPPRESSED (BatchImportFindings sets
 * Workflow only when it creates a finding, so the export sets it afterwards: workflowStatusToSet;
 * RecordState an import always updates). CIS and Security Hub control references go to
 * Compliance.RelatedRequirements, MITRE ATT&CK techniques to ProductFields (ASFF's own TTP types name
 * tactics, which the rules do not record). A rule with no link of its own links its Security Hub
 * control's page.
 */
export function asffFinding(finding: Finding, rule: RuleDescription | undefined, target: AsffTarget): AwsSecurityFinding {
  const severity = { Label: SEVERITY_LABELS[finding.severity], Original: finding.severity } as AwsSecurityFinding['Severity'];
  const types = findingTypes(rule);
  const link = rule?.references.links?.[0] ?? controlPageOf(rule?.references.securityHub?.[0]);
  const compliance = complianceOf(finding, rule);
  const updatedAt = lastChangeOf(finding);
  return {
    SchemaVersion: '2018-10-08',
    Id: asffIdOf(finding.id),
    ProductArn: target.productArn,
    ProductName: 'iam-warden',
    CompanyName: 'iam-warden',
    GeneratorId: `iam-warden/${finding.ruleId}`,
    AwsAccountId: finding.account,
    ...regionOf(finding),
    Types: types,
    FirstObservedAt: finding.firstSeen,
    LastObservedAt: finding.lastSeen,
    CreatedAt: finding.firstSeen,
    UpdatedAt: updatedAt,
    Severity: severity,
    Title: clip(finding.title, LIMITS.title),
    Description: clip(finding.summary, LIMITS.description),
    ...(rule === undefined
      ? {}
      : { Remediation: { Recommendation: { Text: clip(rule.remediation, LIMITS.recommendation), ...(link === undefined ? {} : { Url: link }) } } }),
    ProductFields: productFields(finding, rule),
    Resources: resourcesOf(finding),
    ...(compliance === undefined ? {} : { Compliance: compliance }),
    Workflow: { Status: WORKFLOW[finding.status] },
    RecordState: finding.status === 'resolved' ? 'ARCHIVED' : 'ACTIVE',
    FindingProviderFields: { Severity: severity, Types: types },
  };
}

/**
 * The finding's resource; first, when the finding names an access key (a key-audit finding once the
 * user is listed, a key created or activated), the key as AwsIamAccessKey, whose canonical id is its
 * key id (it has no ARN). A key slot whose key id the credential report does not give stays the user's.
 */
function resourcesOf(finding: Finding): Resource[] {
  const owner: Resource = {
    Type: resourceTypeOf(finding.resource),
    Id: finding.resource,
    Partition: finding.resource.startsWith('arn:aws-') ? (finding.resource.split(':')[1] as Resource['Partition']) : 'aws',
    ...regionOf(finding),
  };
  const accessKeyId = finding.details['accessKeyId'];
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) return [owner];
  const createdAt = finding.details['createdAt'];
  const userName = owner.Type === 'AwsIamUser' ? finding.resource.split('/').at(-1) : undefined;
  const key: Resource = {
    Type: 'AwsIamAccessKey',
    Id: accessKeyId,
    Partition: owner.Partition,
    ...regionOf(finding),
    Details: {
      AwsIamAccessKey: {
        AccessKeyId: accessKeyId,
        AccountId: finding.account,
        PrincipalType: owner.Type === 'AwsAccount' ? 'Root' : 'IAMUser',
        ...(userName === undefined ? {} : { PrincipalName: userName }),
        // A key-audit finding of a key slot: the report's last_rotated, when the key was created.
        ...(KEY_SLOT_SCOPE.test(finding.scope ?? '') && typeof createdAt === 'string' && ASFF_TIMESTAMP.test(createdAt) ? { CreatedAt: createdAt } : {}),
      },
    },
  };
  return [key, owner];
}

/** An AWS region name (us-east-1, us-gov-west-1): ASFF's Region fields take nothing else. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The finding's region, left out when it is none (a key-audit finding's `global`: IAM has no region). */
function regionOf(finding: Pick<Finding, 'region'>): { Region?: string } {
  return REGION_NAME.test(finding.region) ? { Region: finding.region } : {};
}

/** The page of a Security Hub control in the Security Hub user guide (`IAM.4`: iam-controls.html#iam-4). */
function controlPageOf(control: string | undefined): string | undefined {
  const match = /^([A-Za-z0-9]+)\.(\d+)$/.exec(control ?? '');
  if (match === null) return undefined;
  const service = match[1]!.toLowerCase();
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${service}-${match[2]}`;
}

/** When the finding last changed: its latest event (lastSeen) or status change (statusChangedAt), both ISO times. */
export function lastChangeOf(finding: Pick<Finding, 'lastSeen' | 'statusChangedAt'>): string {
  return [finding.lastSeen, finding.statusChangedAt].sort().at(-1) ?? finding.lastSeen;
}

function findingTypes(rule: RuleDescription | undefined): string[] {
  const types = ['Software and Configuration Checks/AWS Security Best Practices'];
  if ((rule?.references.cis ?? []).length > 0) types.push('Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark');
  return types;
}

function complianceOf(finding: Finding, rule: RuleDescription | undefined): Compliance | undefined {
  const requirements = [
    ...(rule?.references.cis ?? []).map((id) => `CIS AWS Foundations Benchmark/${id}`),
    ...(rule?.references.securityHub ?? []).map((id) => `AWS Foundational Security Best Practices/${id}`),
  ];
  if (requirements.length === 0) return undefined;
  return { Status: finding.status === 'resolved' ? 'PASSED' : 'FAILED', RelatedRequirements: requirements.slice(0, 32) };
}

function productFields(finding: Finding, rule: RuleDescription | undefined): Record<string, string> {
  const fields: Record<string, string> = {
    'iam-warden/FindingId': finding.id,
    'iam-warden/RuleId': finding.ruleId,
    'iam-warden/Status': finding.status,
    'iam-warden/Occurrences': String(finding.count),
  };
  if (finding.scope !== undefined) fields['iam-warden/Scope'] = clip(finding.scope, LIMITS.productField);
  const techniques = rule?.references.mitreAttack ?? [];
  if (techniques.length > 0) fields['iam-warden/MitreAttackTechniques'] = techniques.join(',');
  return fields;
}
