import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const aliceArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`;
// A long-term key, as GetFederationToken requires: no session context.
const alice = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSERID0001',
  arn: aliceArn,
  accountId: EXAMPLE_ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEALICE0001',
  userName: 'alice',
};
const allowEverything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

// Shaped like the call Stratus Red Team's aws.persistence.sts-federation-token records.
const federationToken = (name: string, session: object = {}, identity: object = alice) =>
  exampleEvent('sts.amazonaws.com', 'GetFederationToken', {
    userIdentity: identity,
    userAgent: 'aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6 command/sts.get-federation-token',
    requestParameters: { name, ...session },
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLEFEDKEY001', expiration: 'Nov 21, 2026, 10:15:30 PM', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN' },
      federatedUser: { arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:federated-user/${name}`, federatedUserId: `${EXAMPLE_ACCOUNT}:${name}` },
      packedPolicySize: 4,
    },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a user federates itself with an allow-everything inline policy',
      record: federationToken('backup', { policy: allowEverything }),
      expect: { severity: 'medium', resource: aliceArn },
    },
    {
      name: 'with managed session policies and a 36-hour duration',
      record: federationToken('backup', { durationSeconds: 129600, policyArns: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] }),
      expect: { severity: 'medium', resource: aliceArn },
    },
    {
      name: 'without a session policy (no permissions of its own)',
      record: federationToken('backup'),
      expect: { severity: 'low', resource: aliceArn },
    },
  ],
  negative: [
    { name: 'the root user (not an IAM user)', record: federationToken('backup', { policy: allowEverything }, exampleIdentities.root) },
    {
      name: 'a session token for the user itself',
      record: exampleEvent('sts.amazonaws.com', 'GetSessionToken', { userIdentity: alice, requestParameters: { durationSeconds: 3600 } }),
    },
    { name: 'no user name in the identity', record: federationToken('backup', {}, { ...alice, userName: undefined }) },
    {
      name: 'a user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { userIdentity: exampleIdentities.assumedRole, requestParameters: { userName: 'alice' } }),
    },
  ],
  resolving: [
    {
      name: 'the calling user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { userIdentity: exampleIdentities.assumedRole, requestParameters: { userName: 'alice' } }),
      removes: [{ resource: aliceArn }],
    },
  ],
};
