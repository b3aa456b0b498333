import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';
import { s3BucketPublic } from '../../shared/detections/s3/s3-bucket-public.js';

const s3 = (eventName: string, requestParameters: Record<string, unknown>) =>
  exampleEvent('s3.amazonaws.com', eventName, { requestParameters: { bucketName: 'acme-invoices', ...requestParameters } });

describe('s3-bucket-public', () => {
  it('names the public statements and what the public can do', () => {
    const match = firstMatch(
      s3BucketPublic,
      s3('PutBucketPolicy', {
        bucketPolicy: {
          Statement: [
            { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' },
            { Sid: 'Upload', Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-invoices/*' },
          ],
        },
      }),
    );
    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice set a bucket policy on acme-invoices that lets anyone write to the bucket (statement 1 (Upload)).',
    );
    expect(match?.details).toMatchObject({ access: 'write', statements: [{ statementIndex: 1, sid: 'Upload', actions: ['s3:PutObject'] }] });
  });

  it('names the public grants of an ACL', () => {
    const match = firstMatch(s3BucketPublic, s3('PutBucketAcl', { 'x-amz-acl': ['public-read-write'] }));
    expect(match?.summary).toContain('granting READ to AllUsers, WRITE to AllUsers');
    expect(match?.severity).toBe('critical');
  });

  it('says "any AWS account" when only AuthenticatedUsers is granted', () => {
    const match = firstMatch(s3BucketPublic, s3('PutBucketAcl', { 'x-amz-acl': ['authenticated-read'] }));
    expect(match?.summary).toContain('so any AWS account can read it');
  });

  it('stays silent and resolves nothing without a bucket name', () => {
    const record = exampleEvent('s3.amazonaws.com', 'PutBucketAcl', { requestParameters: { 'x-amz-acl': ['public-read'] } });
    expect(firstMatch(s3BucketPublic, record)).toBeUndefined();
    expect(s3BucketPublic.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('does not resolve on a PutBucketAcl whose ACL it cannot read', () => {
    expect(s3BucketPublic.resolves?.(s3('PutBucketAcl', { acl: [''] }), EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('does not resolve on an unreadable bucket policy', () => {
    expect(s3BucketPublic.resolves?.(s3('PutBucketPolicy', { bucketPolicy: 'not json' }), EXAMPLE_CONTEXT)).toEqual([]);
  });
});
