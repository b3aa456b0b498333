import { accountOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/**
 * `"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}` confines callers to those that reach
 * a mount target, as the default policy and the console's policy options do
 * (https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html#default-filesystempolicy).
 */
const KEYS = { serviceTrueKeys: ['elasticfilesystem:AccessedViaMountTarget'] };

/** The file system: requests name it by ID (fs-...) or by ARN (https://docs.aws.amazon.com/efs/latest/ug/API_PutFileSystemPolicy.html). */
function fileSystemOf(record: CloudTrailRecord): ExposableResource | undefined {
  const given = stringField(record, 'requestParameters', 'fileSystemId');
  if (given === undefined || given === '') return undefined;
  const id = given.slice(given.lastIndexOf('/') + 1);
  const arn = given.startsWith('arn:') ? given : `arn:${partitionOf(record)}:elasticfilesystem:${regionOf(record)}:${accountOf(record)}:file-system/${given}`;
  return { arn, label: `EFS file system ${id}` };
}

/** PutFileSystemPolicy's `policy`, a JSON string. */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const document = field(record, 'requestParameters', 'policy');
  const resource = fileSystemOf(record);
  return record.eventName !== 'PutFileSystemPolicy' || resource === undefined || document === undefined || document === null || document === ''
    ? undefined
    : { resource, document };
}

export const efsFileSystemExposed: Detection = {
  id: 'efs-file-system-exposed',
  title: 'EFS file system opened to the world or to an outside account',
  severity: 'critical',
  description:
    'A file system policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), mount it, write to it or ' +
    'use it as root. Read as IAM Access Analyzer does: Principal "*" is pinned only by fixed values of caller keys ' +
    '(aws:PrincipalOrgID, aws:SourceVpc...), or by elasticfilesystem:AccessedViaMountTarget "true": that is the default ' +
    "policy's own reading (anyone who reaches a mount target through the network) and what the console's policy options write, " +
    'so it raises nothing; the network (mount target security groups, peerings) is then the control. DeleteFileSystemPolicy ' +
    'closes the finding, as it brings back that default.',
  remediation:
    'Put a policy limited to your accounts: `aws efs put-file-system-policy --file-system-id FS --policy file://policy.json` ' +
    '(name your roles, or pin "*" with aws:PrincipalOrgID), or remove it with `aws efs delete-file-system-policy --file-system-id ' +
    "FS`. Check the mount targets' security groups (`aws efs describe-mount-targets --file-system-id FS`) and the VPC peerings " +
    'that reach them.',
  references: {
    mitreAttack: ['T1537'],
    links: [
      'https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'elasticfilesystem.amazonaws.com', eventNames: ['PutFileSystemPolicy', 'DeleteFileSystemPolicy', 'DeleteFileSystem'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change, KEYS);
  },

  resolves(record, context) {
    const fileSystem = fileSystemOf(record);
    if (fileSystem === undefined) return [];
    if (record.eventName === 'DeleteFileSystemPolicy') return [{ resource: fileSystem.arn, reason: 'file system policy deleted' }];
    if (record.eventName === 'DeleteFileSystem') return [{ resource: fileSystem.arn, reason: 'file system deleted' }];
    const change = policyChange(record);
    return change === undefined ? [] : removalWhenContained(record, context, change, KEYS);
  },
};
