import { actorOf, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import { analyseBucketAcl, type PublicGrant } from '../../policy/bucket-acl.js';
import { statementLabel } from '../../policy/document.js';
import { analyseBucketPolicy, type PublicStatement } from '../../policy/bucket-policy.js';
import { publicAccessSeverity, readPublicAccessBlock, type PublicAccess } from '../../policy/public-access.js';
import type { Detection, DetectionMatch, RiskRemoval } from '../detection.js';

const ACCESS_WORDS: Readonly<Record<PublicAccess, string>> = {
  read: 'read',
  write: 'write to',
  permissions: 'change the permissions of',
};

function statementName(statement: PublicStatement): string {
  return statementLabel({ index: statement.statementIndex, sid: statement.sid });
}

function grantName(grant: PublicGrant): string {
  return `${grant.permission} to ${grant.grantee}`;
}

function policyMatch(record: CloudTrailRecord, resource: string): DetectionMatch | undefined {
  const analysis = analyseBucketPolicy(field(record, 'requestParameters', 'bucketPolicy'));
  if (!analysis.ok || analysis.access === undefined) return undefined;
  const bucket = stringField(record, 'requestParameters', 'bucketName');
  return {
    severity: publicAccessSeverity(analysis.access),
    resource,
    scope: 'policy',
    summary:
      `${actorOf(record).arn} set a bucket policy on ${bucket} that lets anyone ${ACCESS_WORDS[analysis.access]} the bucket ` +
      `(${analysis.statements.map(statementName).join(', ')}).`,
    details: { bucket, access: analysis.access, statements: analysis.statements },
  };
}

function aclMatch(record: CloudTrailRecord, resource: string): DetectionMatch | undefined {
  const analysis = analyseBucketAcl(field(record, 'requestParameters'));
  if (analysis.access === undefined) return undefined;
  const bucket = stringField(record, 'requestParameters', 'bucketName');
  const verb = record.eventName === 'CreateBucket' ? 'created bucket' : 'set an ACL on';
  return {
    severity: publicAccessSeverity(analysis.access),
    resource,
    scope: 'acl',
    summary:
      `${actorOf(record).arn} ${verb} ${bucket} granting ${[...new Set(analysis.grants.map(grantName))].join(', ')}, so ` +
      `${analysis.grants.some((g) => g.grantee === 'AllUsers') ? 'anyone' : 'any AWS account'} can ${ACCESS_WORDS[analysis.access]} it.`,
    details: { bucket, access: analysis.access, grants: analysis.grants },
  };
}

export const s3BucketPublic: Detection = {
  id: 's3-bucket-public',
  title: 'S3 bucket made public',
  severity: 'critical',
  description:
    'A bucket policy or ACL now grants access to everyone, in S3\'s own sense of "public": a policy statement for Principal "*" ' +
    'not limited by fixed values of the source IP, VPC, account, organisation or ARN conditions, or an ACL grant to AllUsers or ' +
    'AuthenticatedUsers (any AWS account). Critical when the public can write or change permissions, high when it can read.',
  remediation:
    'If the bucket is not meant to be public, block it at once: `aws s3api put-public-access-block --bucket BUCKET ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`. ' +
    'Then fix the cause: `aws s3api delete-bucket-policy --bucket BUCKET` (or put a policy limited to named principals), and ' +
    '`aws s3api put-bucket-acl --bucket BUCKET --acl private`. Review the S3 server access or CloudTrail data events for reads and ' +
    'writes while it was open. For websites, serve through CloudFront with origin access control instead.',
  references: {
    cis: ['2.1.4'],
    securityHub: ['S3.2', 'S3.3', 'S3.8'],
    mitreAttack: ['T1530'],
    links: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status'],
  },
  scoped: true,
  events: [
    {
      eventSource: 's3.amazonaws.com',
      eventNames: ['PutBucketPolicy', 'PutBucketAcl', 'CreateBucket', 'DeleteBucketPolicy', 'DeleteBucket', 'PutBucketPublicAccessBlock'],
    },
  ],

  evaluate(record) {
    const resource = bucketOf(record)?.arn;
    if (resource === undefined) return undefined;
    if (record.eventName === 'PutBucketPolicy') return policyMatch(record, resource);
    if (record.eventName === 'PutBucketAcl' || record.eventName === 'CreateBucket') return aclMatch(record, resource);
    return undefined;
  },

  resolves(record) {
    const resource = bucketOf(record)?.arn;
    if (resource === undefined) return [];
    const removals: RiskRemoval[] = [];
    switch (record.eventName) {
      case 'PutBucketPolicy': {
        const analysis = analyseBucketPolicy(field(record, 'requestParameters', 'bucketPolicy'));
        if (analysis.ok && !analysis.public) removals.push({ resource, scope: 'policy', reason: 'bucket policy replaced by a non-public one' });
        break;
      }
      case 'DeleteBucketPolicy':
        removals.push({ resource, scope: 'policy', reason: 'bucket policy deleted' });
        break;
      case 'PutBucketAcl': {
        // Only an ACL we can read counts: an unrecognised request shape must not close a finding.
        const analysis = analyseBucketAcl(field(record, 'requestParameters'));
        if (analysis.specified && !analysis.public) removals.push({ resource, scope: 'acl', reason: 'bucket ACL made private' });
        break;
      }
      case 'DeleteBucket':
        // Each scope by name, so the removal is kept even when it arrives before the detection.
        removals.push({ resource, scope: 'policy', reason: 'bucket deleted' }, { resource, scope: 'acl', reason: 'bucket deleted' });
        break;
      case 'PutBucketPublicAccessBlock': {
        // BlockPublicAcls and BlockPublicPolicy only refuse new public grants; existing ones keep working.
        // IgnorePublicAcls neutralises the public ACLs already there, RestrictPublicBuckets the public policy.
        const flags = readPublicAccessBlock(field(record, 'requestParameters', 'PublicAccessBlockConfiguration'));
        if (flags.IgnorePublicAcls) removals.push({ resource, scope: 'acl', reason: 'Block Public Access now ignores public ACLs' });
        if (flags.RestrictPublicBuckets) removals.push({ resource, scope: 'policy', reason: 'Block Public Access now restricts the public bucket policy' });
        break;
      }
      default:
        break;
    }
    return removals;
  },
};
