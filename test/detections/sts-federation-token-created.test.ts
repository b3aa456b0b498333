import { describe, expect, it } from 'vitest';
import { stsFederationTokenCreated } from '../../shared/detections/sts/sts-federation-token-created.js';
import { matchesOf } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

const alice = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSERID0001',
  arn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333',
  accessKeyId: 'AKIAEXAMPLEALICE0001',
  userName: 'alice',
};
const sessionToken =
  'IQoJb3JpZ2luX2VjEOH//////////wEaCXVzLWVhc3QtMSJIMEYCIQDzpomGZAmkp4RIzBo4RqVJGEmUNjyA7lHyt1aKfFh8IwIhANX6aS3XpNU319gOolVjEBkNLRmu9dyO8FqoDW5y';
const federationToken = (requestParameters: object) =>
  exampleEvent('sts.amazonaws.com', 'GetFederationToken', {
    userIdentity: alice,
    requestParameters,
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLEFEDKEY001', expiration: 'Nov 21, 2026, 10:15:30 PM', sessionToken },
      federatedUser: { arn: 'arn:aws:sts::111122223333:federated-user/admin', federatedUserId: '111122223333:admin' },
    },
  });

describe('sts-federation-token-created', () => {
  it('summarises the inline session policy by its wildcards, keeping neither the document nor the session token', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Stmt1', Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ],
    });

    const [match] = matchesOf(stsFederationTokenCreated.evaluate(federationToken({ name: 'admin', durationSeconds: 3600, policy }), EXAMPLE_CONTEXT));

    expect(match?.details).toMatchObject({
      federatedUserName: 'admin',
      durationSeconds: 3600,
      sessionPolicy: { inline: true, allowStatements: 1, wildcards: ['*'] },
    });
    expect(JSON.stringify(match)).not.toContain(sessionToken);
    expect(JSON.stringify(match)).not.toContain('Stmt1');
    expect(match?.summary).toBe(
      'IAM user alice obtained federated credentials named "admin" with a session policy allowing *, valid until Nov 21, 2026, 10:15:30 PM even if its access key is deleted; confirm alice did this.',
    );
  });

  it('reads a session policy recorded as an object, and the default duration when none was asked', () => {
    const [match] = matchesOf(
      stsFederationTokenCreated.evaluate(
        federationToken({ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }),
        EXAMPLE_CONTEXT,
      ),
    );

    expect(match?.details).toMatchObject({ durationSeconds: 43200, sessionPolicy: { inline: true, wildcards: ['s3:*'] } });
    expect(match?.severity).toBe('medium');
  });

  it('says a session without a session policy has no permissions of its own', () => {
    const [match] = matchesOf(stsFederationTokenCreated.evaluate(federationToken({ name: 'admin' }), EXAMPLE_CONTEXT));

    expect(match?.summary).toContain('without a session policy (the session has no permissions of its own)');
    expect(match?.details).toMatchObject({ sessionPolicy: 'none' });
  });
});
