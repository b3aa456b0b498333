import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const SETTING = `arn:aws:s3::${EXAMPLE_ACCOUNT}:account-public-access-block`;

// S3 Control calls: the account id is the host's first label, and CloudTrail names the source s3.amazonaws.com.
const s3Control = (eventName: string, requestParameters: Record<string, unknown>) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userIdentity: exampleIdentities.assumedRole,
    userAgent: '[aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 command/s3control]',
    requestParameters: { Host: `${EXAMPLE_ACCOUNT}.s3-control.eu-west-1.amazonaws.com`, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader' },
  });

const put = (settings: Record<string, unknown>) =>
  s3Control('PutAccountPublicAccessBlock', { PublicAccessBlockConfiguration: { xmlns: 'http://awss3control.amazonaws.com/doc/2018-08-20/', ...settings } });

const allOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'account configuration deleted',
      record: s3Control('DeleteAccountPublicAccessBlock', {}),
      expect: { severity: 'high', resource: SETTING },
    },
    {
      name: 'every setting turned off (console "Block all public access" unticked)',
      record: put({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }),
      expect: { severity: 'high', resource: SETTING },
    },
    {
      name: 'only the policy settings turned off, recorded as strings',
      record: put({ BlockPublicAcls: 'true', IgnorePublicAcls: 'true', BlockPublicPolicy: 'false', RestrictPublicBuckets: 'false' }),
      expect: { severity: 'high', resource: SETTING },
    },
    {
      name: 'a setting left out of the configuration (S3 treats it as off)',
      record: put({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true }),
      expect: { severity: 'high' },
    },
    {
      name: 'a Put whose configuration cannot be read',
      record: s3Control('PutAccountPublicAccessBlock', { PublicAccessBlockConfiguration: 'BlockPublicAcls=false' }),
      expect: { severity: 'high', resource: SETTING },
    },
  ],
  negative: [
    { name: 'all four settings on', record: put(allOn) },
    {
      name: 'all four settings on, recorded as strings',
      record: put({ BlockPublicAcls: 'true', IgnorePublicAcls: 'true', BlockPublicPolicy: 'true', RestrictPublicBuckets: 'true' }),
    },
    {
      name: "a bucket's own configuration deleted (the bucket-level rule's event)",
      record: exampleEvent('s3.amazonaws.com', 'DeleteBucketPublicAccessBlock', {
        requestParameters: { bucketName: 'acme-invoices', publicAccessBlock: [''] },
      }),
    },
  ],
  resolving: [{ name: 'all four settings turned back on', record: put(allOn), removes: [{ resource: SETTING }] }],
};
