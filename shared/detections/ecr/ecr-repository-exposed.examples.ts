import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const repositoryArn = `arn:aws:ecr:eu-west-1:${EXAMPLE_ACCOUNT}:repository/community`;
const pull = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const statements = exposureStatements(pull, repositoryArn);

/** SetRepositoryPolicy as CloudTrail records it: policyText a JSON string, echoed (reformatted) in the response. */
const setPolicy = (...policy: object[]) => {
  const policyText = JSON.stringify(policyOf(...policy));
  return exampleEvent('ecr.amazonaws.com', 'SetRepositoryPolicy', {
    requestParameters: { force: false, policyText, repositoryName: 'community' },
    responseElements: { policyText, registryId: EXAMPLE_ACCOUNT, repositoryName: 'community' },
    resources: [{ accountId: EXAMPLE_ACCOUNT, arn: repositoryArn }],
  });
};

export const examples: DetectionExamples = {
  positive: [
    { name: 'public pull', record: setPolicy({ ...statements.public, Sid: 'PublicRead' }), expect: { severity: 'critical', resource: repositoryArn } },
    { name: 'pull for an outside account', record: setPolicy(statements.outsideAccount), expect: { severity: 'high', resource: repositoryArn } },
    {
      name: 'push for {"AWS": "*"}',
      record: setPolicy({ ...statements.publicAws, Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] }),
      expect: { severity: 'critical' },
    },
  ],
  negative: [
    { name: 'own account only', record: setPolicy(statements.ownAccount) },
    { name: 'a trusted partner role', record: setPolicy(statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: setPolicy(statements.trustedOrganization) },
    {
      name: 'Lambda pinned by aws:SourceArn to own functions',
      record: setPolicy({
        Sid: 'LambdaECRImageRetrievalPolicy',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Condition: { StringLike: { 'aws:sourceArn': `arn:aws:lambda:eu-west-1:${EXAMPLE_ACCOUNT}:function:*` } },
      }),
    },
    { name: 'pinned by aws:SourceAccount of the own account', record: setPolicy(statements.ownSource) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: setPolicy(statements.public, statements.denyOutsideOrganization) },
  ],
  resolving: [
    { name: 'policy replaced by a private one', record: setPolicy(statements.ownAccount), removes: [{ resource: repositoryArn }] },
    {
      name: 'policy deleted',
      record: exampleEvent('ecr.amazonaws.com', 'DeleteRepositoryPolicy', {
        requestParameters: { repositoryName: 'community' },
        responseElements: { registryId: EXAMPLE_ACCOUNT, repositoryName: 'community' },
      }),
      removes: [{ resource: repositoryArn }],
    },
    {
      name: 'repository deleted',
      record: exampleEvent('ecr.amazonaws.com', 'DeleteRepository', { requestParameters: { repositoryName: 'community', force: true } }),
      removes: [{ resource: repositoryArn }],
    },
  ],
};
