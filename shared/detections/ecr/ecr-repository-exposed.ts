import { accountOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/** The repository, in the registry the request names (registryId, an account id) or the event's account. */
function repositoryOf(record: CloudTrailRecord): ExposableResource | undefined {
  const name = stringField(record, 'requestParameters', 'repositoryName');
  if (name === undefined || name === '') return undefined;
  const registry = stringField(record, 'requestParameters', 'registryId') ?? accountOf(record);
  return { arn: `arn:${partitionOf(record)}:ecr:${regionOf(record)}:${registry}:repository/${name}`, label: `ECR repository ${name}` };
}

/** SetRepositoryPolicy's `policyText`, a JSON string. */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const document = field(record, 'requestParameters', 'policyText');
  const resource = repositoryOf(record);
  return record.eventName !== 'SetRepositoryPolicy' || resource === undefined || document === undefined || document === null || document === ''
    ? undefined
    : { resource, document };
}

export const ecrRepositoryExposed: Detection = {
  id: 'ecr-repository-exposed',
  title: 'ECR repository opened to the world or to an outside account',
  severity: 'critical',
  description:
    "A repository's policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), pull its images (and the " +
    'secrets, code and internal addresses baked into them) or push and overwrite images that your services then run. Read as IAM ' +
    'Access Analyzer does: Principal "*" is pinned only by fixed values of caller keys (aws:PrincipalOrgID, aws:SourceAccount...), ' +
    'so a policy for Lambda or CodeBuild pinned by aws:SourceArn to your own functions is fine. Not caught: the registry-level ' +
    'policy (PutRegistryPolicy) used for replication and pull-through cache.',
  remediation:
    'Remove the policy (`aws ecr delete-repository-policy --repository-name REPO`) or set one limited to your accounts with ' +
    '`aws ecr set-repository-policy --repository-name REPO --policy-text file://policy.json`. If push was allowed, check the image ' +
    'digests against your builds (`aws ecr describe-images --repository-name REPO`) and redeploy from trusted ones.',
  references: {
    mitreAttack: ['T1537', 'T1525'],
    links: [
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'ecr.amazonaws.com', eventNames: ['SetRepositoryPolicy', 'DeleteRepositoryPolicy', 'DeleteRepository'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change);
  },

  resolves(record, context) {
    const repository = repositoryOf(record);
    if (repository === undefined) return [];
    if (record.eventName === 'DeleteRepositoryPolicy') return [{ resource: repository.arn, reason: 'repository policy deleted' }];
    if (record.eventName === 'DeleteRepository') return [{ resource: repository.arn, reason: 'repository deleted' }];
    const change = policyChange(record);
    return change === undefined ? [] : removalWhenContained(record, context, change);
  },
};
