import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const fileSystemId = 'fs-0123456789abcdef0';
const fileSystemArn = `arn:aws:elasticfilesystem:eu-west-1:${EXAMPLE_ACCOUNT}:file-system/${fileSystemId}`;
const mountAndWrite = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];
const statements = exposureStatements(mountAndWrite, fileSystemArn);

/** PutFileSystemPolicy with the request members of the API reference: the policy as a JSON string. */
const putPolicy = (...policy: object[]) =>
  exampleEvent('elasticfilesystem.amazonaws.com', 'PutFileSystemPolicy', {
    requestParameters: { fileSystemId, policy: JSON.stringify(policyOf(...policy)), bypassPolicyLockoutSafetyCheck: false },
  });

/** What the console's "Prevent root access by default" option writes: everyone, through a mount target. */
const throughMountTargets = {
  Sid: 'efs-statement-console',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: mountAndWrite,
  Resource: fileSystemArn,
  Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
};
const secureTransportOnly = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: '*',
  Resource: fileSystemArn,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'mount and write for everyone, with no condition',
      record: putPolicy(statements.publicAws),
      expect: { severity: 'critical', resource: fileSystemArn },
    },
    { name: 'mount and write for an outside account', record: putPolicy(statements.outsideAccount), expect: { severity: 'high', resource: fileSystemArn } },
    {
      name: 'root access for an outside account, file system named by ARN',
      record: exampleEvent('elasticfilesystem.amazonaws.com', 'PutFileSystemPolicy', {
        requestParameters: {
          fileSystemId: fileSystemArn,
          policy: JSON.stringify(policyOf({ ...statements.outsideAccount, Action: 'elasticfilesystem:ClientRootAccess' })),
        },
      }),
      expect: { severity: 'high', resource: fileSystemArn },
    },
  ],
  negative: [
    { name: 'everyone through a mount target, encrypted in transit (the console options)', record: putPolicy(throughMountTargets, secureTransportOnly) },
    { name: 'own account only', record: putPolicy(statements.ownAccount) },
    { name: 'a trusted partner role', record: putPolicy(statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: putPolicy(statements.trustedOrganization) },
    { name: 'pinned by aws:SourceAccount of the own account', record: putPolicy(statements.ownSource) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: putPolicy(statements.public, statements.denyOutsideOrganization) },
  ],
  resolving: [
    { name: 'policy replaced by the console options', record: putPolicy(throughMountTargets, secureTransportOnly), removes: [{ resource: fileSystemArn }] },
    {
      name: 'policy deleted (back to the default)',
      record: exampleEvent('elasticfilesystem.amazonaws.com', 'DeleteFileSystemPolicy', { requestParameters: { fileSystemId } }),
      removes: [{ resource: fileSystemArn }],
    },
    {
      name: 'file system deleted',
      record: exampleEvent('elasticfilesystem.amazonaws.com', 'DeleteFileSystem', { requestParameters: { fileSystemId } }),
      removes: [{ resource: fileSystemArn }],
    },
  ],
};
