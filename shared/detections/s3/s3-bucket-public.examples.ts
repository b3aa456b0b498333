import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const BUCKET = 'acme-invoices';
const ARN = `arn:aws:s3:::${BUCKET}`;
const HOST = `${BUCKET}.s3.eu-west-1.amazonaws.com`;
const OWNER_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

const s3 = (eventName: string, requestParameters: Record<string, unknown>) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userIdentity: exampleIdentities.assumedRole,
    userAgent: '[aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 command/s3api]',
    requestParameters: { bucketName: BUCKET, Host: HOST, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'EXAMPLEid2' },
  });

// S3 PutBucketPolicy: CloudTrail records the policy as an object, beside an empty "policy" subresource marker.
const putPolicy = (...statements: Record<string, unknown>[]) =>
  s3('PutBucketPolicy', { policy: [''], bucketPolicy: { Version: '2012-10-17', Statement: statements } });

const putAcl = (grants: unknown) =>
  s3('PutBucketAcl', {
    acl: [''],
    AccessControlPolicy: {
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      Owner: { ID: OWNER_ID },
      AccessControlList: { Grant: grants },
    },
  });

const ownerGrant = {
  Grantee: { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:type': 'CanonicalUser', ID: OWNER_ID },
  Permission: 'FULL_CONTROL',
};
const groupGrant = (uri: string, permission: string) => ({
  Grantee: { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:type': 'Group', URI: uri },
  Permission: permission,
});

const publicAccessBlock = (settings: Record<string, boolean>) =>
  s3('PutBucketPublicAccessBlock', {
    publicAccessBlock: [''],
    PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', ...settings },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'policy lets anyone read objects (static website pattern)',
      record: putPolicy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*` }),
      expect: { severity: 'high', resource: ARN, scope: 'policy' },
    },
    {
      name: 'policy lets {"AWS":"*"} put objects',
      record: putPolicy({ Sid: 'Uploads', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:PutObject'], Resource: `${ARN}/*` }),
      expect: { severity: 'critical', resource: ARN, scope: 'policy' },
    },
    {
      name: 'policy lets anyone do s3:* behind a /7 source-IP range',
      record: putPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:*',
        Resource: [ARN, `${ARN}/*`],
        Condition: { IpAddress: { 'aws:SourceIp': '52.0.0.0/7' } },
      }),
      expect: { severity: 'critical', resource: ARN, scope: 'policy' },
    },
    {
      name: 'policy with a wildcard aws:SourceVpce value',
      record: putPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${ARN}/*`,
        Condition: { StringLike: { 'aws:SourceVpce': 'vpce-*' } },
      }),
      expect: { severity: 'high', resource: ARN, scope: 'policy' },
    },
    {
      name: 'bucket policy arriving as a JSON string',
      record: s3('PutBucketPolicy', {
        bucketPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutBucketPolicy', Resource: ARN }] }),
      }),
      expect: { severity: 'critical', scope: 'policy' },
    },
    {
      name: 'ACL grant list gives AllUsers READ',
      record: putAcl([ownerGrant, groupGrant(ALL_USERS, 'READ')]),
      expect: { severity: 'high', resource: ARN, scope: 'acl' },
    },
    {
      name: 'single ACL grant object gives AuthenticatedUsers WRITE_ACP',
      record: putAcl(groupGrant('http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'WRITE_ACP')),
      expect: { severity: 'critical', resource: ARN, scope: 'acl' },
    },
    {
      name: 'canned ACL public-read-write',
      record: s3('PutBucketAcl', { acl: [''], 'x-amz-acl': ['public-read-write'] }),
      expect: { severity: 'critical', scope: 'acl' },
    },
    {
      name: 'grant header gives AllUsers read',
      record: s3('PutBucketAcl', { acl: [''], 'x-amz-grant-read': [`uri="${ALL_USERS}"`], 'x-amz-grant-full-control': [`id="${OWNER_ID}"`] }),
      expect: { severity: 'high', scope: 'acl' },
    },
    {
      name: 'bucket created with canned ACL public-read',
      record: s3('CreateBucket', {
        'x-amz-acl': ['public-read'],
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      }),
      expect: { severity: 'high', resource: ARN, scope: 'acl' },
    },
  ],
  negative: [
    {
      name: 'policy granting a fixed account',
      record: putPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }, Action: 's3:*', Resource: [ARN, `${ARN}/*`] }),
    },
    {
      name: 'CloudTrail delivery policy (service principal, fixed SourceArn)',
      record: putPolicy(
        { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: ARN },
        {
          Sid: 'AWSCloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${ARN}/AWSLogs/${EXAMPLE_ACCOUNT}/*`,
          Condition: {
            StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': `arn:aws:cloudtrail:eu-west-1:${EXAMPLE_ACCOUNT}:trail/org-trail` },
          },
        },
      ),
    },
    {
      name: 'Principal "*" limited to one VPC endpoint',
      record: putPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${ARN}/*`,
        Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      }),
    },
    {
      name: 'Principal "*" limited to the organisation',
      record: putPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${ARN}/*`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    },
    {
      name: 'Deny for everyone without TLS (grants nothing)',
      record: putPolicy({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [ARN, `${ARN}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    },
    {
      name: 'ACL grants LogDelivery WRITE (server access logging target)',
      record: putAcl([
        ownerGrant,
        groupGrant('http://acs.amazonaws.com/groups/s3/LogDelivery', 'WRITE'),
        groupGrant('http://acs.amazonaws.com/groups/s3/LogDelivery', 'READ_ACP'),
      ]),
    },
    {
      name: 'canned ACL private',
      record: s3('PutBucketAcl', { acl: [''], 'x-amz-acl': ['private'] }),
    },
    {
      name: 'bucket created without an ACL',
      record: s3('CreateBucket', { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    },
  ],
  resolving: [
    {
      name: 'policy replaced by one for a fixed account',
      record: putPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/Reader` }, Action: 's3:GetObject', Resource: `${ARN}/*` }),
      removes: [{ resource: ARN, scope: 'policy' }],
    },
    {
      name: 'policy deleted',
      record: s3('DeleteBucketPolicy', { policy: [''] }),
      removes: [{ resource: ARN, scope: 'policy' }],
    },
    {
      name: 'ACL made private',
      record: s3('PutBucketAcl', { acl: [''], 'x-amz-acl': ['private'] }),
      removes: [{ resource: ARN, scope: 'acl' }],
    },
    {
      name: 'ACL replaced by an owner-only grant list',
      record: putAcl(ownerGrant),
      removes: [{ resource: ARN, scope: 'acl' }],
    },
    {
      name: 'bucket deleted',
      record: s3('DeleteBucket', {}),
      removes: [
        { resource: ARN, scope: 'policy' },
        { resource: ARN, scope: 'acl' },
      ],
    },
    {
      name: 'Block Public Access turned fully on',
      record: publicAccessBlock({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
      removes: [
        { resource: ARN, scope: 'acl' },
        { resource: ARN, scope: 'policy' },
      ],
    },
    {
      name: 'Block Public Access restricting public buckets only (neutralises the policy, not the ACL)',
      record: publicAccessBlock({ BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
      removes: [{ resource: ARN, scope: 'policy' }],
    },
    {
      name: 'Block Public Access blocking new grants only (existing ones still work: resolves nothing)',
      record: publicAccessBlock({ BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false }),
      removes: [],
    },
  ],
};
