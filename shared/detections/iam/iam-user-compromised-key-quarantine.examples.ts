import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const bobArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const quarantine = (version: string) => `arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine${version}`;
// Shaped like the record Panther's AWS.CloudTrail.IAMCompromisedKeyQuarantine rule tests with: a role
// session, user agent "AWS Internal".
const attacher = exampleIdentities.assumedRole;
const iam = (eventName: string, requestParameters: object, userIdentity: object = attacher) =>
  exampleEvent('iam.amazonaws.com', eventName, { userIdentity, userAgent: 'AWS Internal', requestParameters });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'AWSCompromisedKeyQuarantineV2 attached to a user',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: quarantine('V2') }),
      expect: { severity: 'critical', resource: bobArn },
    },
    {
      name: 'AWSCompromisedKeyQuarantineV3 attached to a user',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: quarantine('V3') }),
      expect: { severity: 'critical', resource: bobArn },
    },
    {
      name: 'the first version, AWSCompromisedKeyQuarantine',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: quarantine('') }),
      expect: { resource: bobArn },
    },
    {
      name: 'in the GovCloud partition',
      record: iam(
        'AttachUserPolicy',
        { userName: 'bob', policyArn: 'arn:aws-us-gov:iam::aws:policy/AWSCompromisedKeyQuarantineV3' },
        { ...attacher, arn: `arn:aws-us-gov:sts::${EXAMPLE_ACCOUNT}:assumed-role/Deployer/deployer` },
      ),
      expect: { resource: `arn:aws-us-gov:iam::${EXAMPLE_ACCOUNT}:user/bob` },
    },
  ],
  negative: [
    { name: 'another AWS-managed policy attached', record: iam('AttachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }) },
    {
      name: 'a customer policy named like the quarantine',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/AWSCompromisedKeyQuarantineV3` }),
    },
    { name: 'the quarantine attached to a role', record: iam('AttachRolePolicy', { roleName: 'ci', policyArn: quarantine('V3') }) },
    {
      name: 'the quarantine detached (not a fix: resolves nothing)',
      record: iam('DetachUserPolicy', { userName: 'bob', policyArn: quarantine('V3') }, exampleIdentities.iamUser),
    },
    { name: 'no user named', record: iam('AttachUserPolicy', { policyArn: quarantine('V3') }) },
  ],
  resolving: [{ name: 'the user is deleted', record: iam('DeleteUser', { userName: 'bob' }, exampleIdentities.iamUser), removes: [{ resource: bobArn }] }],
};
