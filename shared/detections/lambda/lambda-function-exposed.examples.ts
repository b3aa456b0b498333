import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_ORGANIZATION, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';

const functionArn = `arn:aws:lambda:eu-west-1:${EXAMPLE_ACCOUNT}:function:orders-export`;
const lambda = (eventName: string, requestParameters: object, responseElements: object | null = null) =>
  exampleEvent('lambda.amazonaws.com', eventName, { requestParameters, responseElements });
/** AddPermission as Stratus Red Team's detonation log records it: the request, and the statement Lambda wrote. */
const addPermission = (parameters: Record<string, string>, eventName = 'AddPermission20150331v2') =>
  lambda(
    eventName,
    { functionName: 'orders-export', statementId: 'backdoor', action: 'lambda:InvokeFunction', ...parameters },
    {
      statement: JSON.stringify({
        Sid: parameters['statementId'] ?? 'backdoor',
        Effect: 'Allow',
        Principal: parameters['principal'],
        Action: parameters['action'] ?? 'lambda:InvokeFunction',
        Resource: functionArn,
      }),
    },
  );
const urlConfig = (eventName: string, parameters: Record<string, string>) =>
  lambda(
    eventName,
    { functionName: 'orders-export', ...parameters },
    {
      functionUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/',
      functionArn,
      authType: parameters['authType'],
      creationTime: '2026-11-20T10:15:30.000Z',
    },
  );

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'anyone may invoke (principal "*")',
      record: addPermission({ principal: '*' }),
      expect: { severity: 'high', resource: functionArn, scope: 'permission/backdoor' },
    },
    {
      name: 'an outside account may invoke',
      record: addPermission({ principal: OUTSIDE_ACCOUNT }),
      expect: { severity: 'medium', scope: 'permission/backdoor' },
    },
    {
      name: 'a role in an outside account may invoke',
      record: addPermission({ principal: `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/caller` }),
      expect: { severity: 'medium' },
    },
    {
      name: '"*" pinned to an outside source account',
      record: addPermission({ principal: '*', sourceAccount: OUTSIDE_ACCOUNT }),
      expect: { severity: 'medium' },
    },
    {
      name: 'anyone may read the code and environment (GetFunction)',
      record: addPermission({ principal: '*', action: 'lambda:GetFunction' }),
      expect: { severity: 'critical' },
    },
    {
      name: 'an outside account may do anything (lambda:*)',
      record: addPermission({ principal: OUTSIDE_ACCOUNT, action: 'lambda:*' }),
      expect: { severity: 'high' },
    },
    {
      name: 'anyone may call the function URL (lambda:FunctionUrlAuthType pins nobody)',
      record: addPermission({ principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE', statementId: 'FunctionURLAllowPublicAccess' }),
      expect: { severity: 'high', scope: 'permission/FunctionURLAllowPublicAccess' },
    },
    {
      name: 'a permission on an alias, the function named by a qualified ARN',
      record: addPermission({ principal: '*', functionName: `${functionArn}:prod` }),
      expect: { resource: functionArn, scope: 'permission/backdoor@prod' },
    },
    {
      name: 'a partial ARN and a qualifier parameter',
      record: addPermission({ principal: '*', functionName: `${EXAMPLE_ACCOUNT}:function:orders-export`, qualifier: '7' }),
      expect: { resource: functionArn, scope: 'permission/backdoor@7' },
    },
    {
      name: 'the older AddPermission event name',
      record: addPermission({ principal: '*' }, 'AddPermission20150331'),
      expect: { scope: 'permission/backdoor' },
    },
    {
      name: 'a function URL created without authentication',
      record: urlConfig('CreateFunctionUrlConfig20211031', { authType: 'NONE' }),
      expect: { severity: 'high', resource: functionArn, scope: 'url' },
    },
    {
      name: "an alias's URL changed to no authentication",
      record: urlConfig('UpdateFunctionUrlConfig20211031', { authType: 'NONE', qualifier: 'live' }),
      expect: { scope: 'url@live' },
    },
    { name: 'a function URL created, unversioned event name', record: urlConfig('CreateFunctionUrlConfig', { authType: 'NONE' }), expect: { scope: 'url' } },
  ],
  negative: [
    { name: 'a trusted partner account may invoke', record: addPermission({ principal: TRUSTED_PARTNER_ACCOUNT }) },
    { name: 'the own account may invoke', record: addPermission({ principal: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }) },
    { name: '"*" pinned to the trusted organization', record: addPermission({ principal: '*', principalOrgID: TRUSTED_ORGANIZATION }) },
    {
      name: '"*" pinned to a topic in the own account',
      record: addPermission({ principal: '*', sourceArn: `arn:aws:sns:eu-west-1:${EXAMPLE_ACCOUNT}:alerts` }),
    },
    {
      name: 'S3 may invoke for a bucket of the own account',
      record: addPermission({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: EXAMPLE_ACCOUNT }),
    },
    { name: 'no statement id', record: lambda('AddPermission20150331v2', { functionName: 'orders-export', action: 'lambda:InvokeFunction', principal: '*' }) },
    { name: 'a function URL that requires signed requests', record: urlConfig('CreateFunctionUrlConfig20211031', { authType: 'AWS_IAM' }) },
    { name: 'a permission removed', record: lambda('RemovePermission20150331v2', { functionName: 'orders-export', statementId: 'backdoor' }) },
    { name: 'the policy read', record: lambda('GetPolicy20150331v2', { functionName: 'orders-export' }) },
  ],
  resolving: [
    {
      name: 'the permission removed',
      record: lambda('RemovePermission20150331v2', { functionName: 'orders-export', statementId: 'backdoor' }),
      removes: [{ resource: functionArn, scope: 'permission/backdoor' }],
    },
    {
      name: "an alias's permission removed",
      record: lambda('RemovePermission20150331v2', { functionName: 'orders-export', statementId: 'backdoor', qualifier: 'prod' }),
      removes: [{ resource: functionArn, scope: 'permission/backdoor@prod' }],
    },
    {
      name: 'the function URL deleted',
      record: lambda('DeleteFunctionUrlConfig20211031', { functionName: 'orders-export' }),
      removes: [{ resource: functionArn, scope: 'url' }],
    },
    {
      name: 'the function URL requires signed requests again',
      record: urlConfig('UpdateFunctionUrlConfig20211031', { authType: 'AWS_IAM' }),
      removes: [{ resource: functionArn, scope: 'url' }],
    },
    { name: 'the function deleted', record: lambda('DeleteFunction20150331', { functionName: 'orders-export' }), removes: [{ resource: functionArn }] },
    { name: 'one version deleted closes nothing', record: lambda('DeleteFunction20150331', { functionName: 'orders-export', qualifier: '3' }), removes: [] },
  ],
};
