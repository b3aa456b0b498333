import type { CloudTrailRecord } from '../cloudtrail/record.js';
import type { DetectionContext } from './detection.js';

/**
 * Builds example CloudTrail records for the detections' example files: a realistic envelope
 * (an IAM user in account 111122223333 calling from the console) with the fields each example cares
 * about laid over it. Only the examples and tests import this; no handler bundles it.
 */
export const EXAMPLE_ACCOUNT = '111122223333';

export const exampleIdentities = {
  iamUser: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEUSERID0001',
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    userName: 'alice',
    sessionContext: { attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'true' } },
  },
  root: {
    type: 'Root',
    principalId: EXAMPLE_ACCOUNT,
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEROOT00001',
    sessionContext: { attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' } },
  },
  assumedRole: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEROLEID001:deployer',
    arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/Deployer/deployer`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEROLE00001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID001',
        arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/Deployer`,
        accountId: EXAMPLE_ACCOUNT,
        userName: 'Deployer',
      },
      attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
    },
  },
} as const;

/** A partner account the examples trust, and an outsider they do not. */
export const TRUSTED_PARTNER_ACCOUNT = '444455556666';
export const OUTSIDE_ACCOUNT = '999988887777';
export const TRUSTED_ORGANIZATION = 'o-exampleorg1';

/** The context every example runs in unless it gives its own: the partner account and organization trusted. */
export const EXAMPLE_CONTEXT: DetectionContext = {
  boundary: { accounts: new Set([TRUSTED_PARTNER_ACCOUNT]), organizations: new Set([TRUSTED_ORGANIZATION]) },
};

let sequence = 0;

export function exampleEvent(eventSource: string, eventName: string, overrides: Partial<Record<string, unknown>> = {}): CloudTrailRecord {
  sequence += 1;
  const global = eventSource === 'iam.amazonaws.com' || eventSource === 'signin.amazonaws.com';
  return {
    eventVersion: '1.09',
    userIdentity: exampleIdentities.iamUser,
    eventTime: '2026-11-20T10:15:30Z',
    eventSource,
    eventName,
    awsRegion: global ? 'us-east-1' : 'eu-west-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    requestID: `0e1f2a3b-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    eventID: `9a8b7c6d-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: EXAMPLE_ACCOUNT,
    eventCategory: 'Management',
    ...overrides,
  };
}
