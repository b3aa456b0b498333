// The Lambda state reader (function, version and alias policies; function URLs). moto is not used here:
// it does not serve ListFunctionUrlConfigs (404), keeps one policy per function whatever the qualifier,
// and writes statements in shapes Lambda does not (an account principal as a bare id, the URL auth type
// as a field of the statement). The SDK is mocked instead, answering with the shapes of the Lambda
// developer guide, over an account the tests change between scans.
import { GetPolicyCommand, LambdaClient, ListAliasesCommand, ListFunctionsCommand, ListFunctionUrlConfigsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { lambdaReader } from '../../../shared/scan/readers/lambda.js';
import { recordScan } from '../../../shared/scan/record.js';
import { detected, evaluation } from '../../support/findings-factory.js';
import {
  aSecondLater,
  awsError,
  findingIdsOfEvents,
  findingIdsOfScan,
  foundIn,
  keepingInputsIn,
  loggedCall,
  SCAN_ACCOUNT,
  scanWithMocks,
  useFindingsStore,
} from '../harness.js';

const ACCOUNT = SCAN_ACCOUNT;
const TRUSTED = '777788889999';
const TRUSTED_ORGANIZATION = 'o-trusted0001';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(`${TRUSTED},${TRUSTED_ORGANIZATION}`, 'test') };
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const ORDERS = functionArn('orders');

/** One function of the fake account: its policies by qualifier ('' for the function itself), aliases, published versions and URLs. */
interface FakeFunction {
  policies: Record<string, object[]>;
  aliases: string[];
  versions: string[];
  urls: { qualifier?: string; authType: 'NONE' | 'AWS_IAM' }[];
  refuses?: boolean;
}

/** A statement as Lambda writes it for AddPermission. */
function statement(sid: string, principal: unknown, action: string, resource: string, condition?: object): object {
  return { Sid: sid, Effect: 'Allow', Principal: principal, Action: action, Resource: resource, ...(condition === undefined ? {} : { Condition: condition }) };
}
const accountRoot = (account: string) => ({ AWS: `arn:aws:iam::${account}:root` });

function seededAccount(): Record<string, FakeFunction> {
  return {
    orders: {
      policies: {
        '': [
          statement('public-invoke', '*', 'lambda:InvokeFunction', ORDERS),
          statement('partner-read', accountRoot(OUTSIDE), 'lambda:GetFunction', ORDERS),
          statement('url-public', '*', 'lambda:InvokeFunctionUrl', ORDERS, { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }),
          statement('url-invoke', '*', 'lambda:InvokeFunction', ORDERS, { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }),
          // Look-alike: a bucket of the own account.
          statement('s3-trigger', { Service: 's3.amazonaws.com' }, 'lambda:InvokeFunction', ORDERS, {
            StringEquals: { 'AWS:SourceAccount': ACCOUNT },
            ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' },
          }),
        ],
        prod: [statement('alias-partner', accountRoot(OUTSIDE), 'lambda:InvokeFunction', `${ORDERS}:prod`)],
        '1': [statement('v1-public', '*', 'lambda:InvokeFunction', `${ORDERS}:1`)],
      },
      aliases: ['prod'],
      versions: ['1'],
      urls: [{ authType: 'NONE' }, { qualifier: 'prod', authType: 'AWS_IAM' }],
    },
    // Look-alikes: no policy at all; the trusted organization, a trusted account, an Alexa skill.
    billing: { policies: {}, aliases: [], versions: [], urls: [] },
    internal: {
      policies: {
        '': [
          statement('my-org', '*', 'lambda:InvokeFunction', functionArn('internal'), { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } }),
          statement('partner', accountRoot(TRUSTED), 'lambda:InvokeFunction', functionArn('internal')),
          statement('alexa', { Service: 'alexa-appkit.amazon.com' }, 'lambda:InvokeFunction', functionArn('internal'), {
            StringEquals: { 'lambda:EventSourceToken': 'amzn1.ask.skill.0000' },
          }),
        ],
      },
      aliases: [],
      versions: [],
      urls: [{ authType: 'AWS_IAM' }],
    },
    // Unread: GetPolicy refused; a statement AddPermission does not write (a VPC condition).
    locked: { policies: {}, aliases: [], versions: [], urls: [], refuses: true },
    odd: {
      policies: { '': [statement('vpc-only', '*', 'lambda:InvokeFunction', functionArn('odd'), { StringEquals: { 'aws:SourceVpc': 'vpc-0abc' } })] },
      aliases: [],
      versions: [],
      urls: [],
    },
  };
}

const lambda = mockClient(LambdaClient);
const opened = useFindingsStore();
let account: Record<string, FakeFunction>;
/** What each ListFunctions asked, as sent. */
const listed: { Marker?: string }[] = [];

function fakeFunction(arn: string | undefined): FakeFunction {
  const found = account[arn?.split(':')[6] ?? ''];
  if (found === undefined) throw awsError('ResourceNotFoundException');
  return found;
}

/** Every function and published version, two entries a page, as ListFunctions with FunctionVersion ALL lists them. */
function answerLambda(): void {
  lambda.on(ListFunctionsCommand).callsFake(
    keepingInputsIn(listed, (input: { Marker?: string }) => {
      const entries = Object.entries(account).flatMap(([name, fn]) => [
        { FunctionName: name, Version: '$LATEST' },
        ...fn.versions.map((version) => ({ FunctionName: name, Version: version })),
      ]);
      const start = Number(input.Marker ?? 0);
      return { Functions: entries.slice(start, start + 2), ...(start + 2 < entries.length ? { NextMarker: String(start + 2) } : {}) };
    }),
  );
  lambda
    .on(ListAliasesCommand)
    .callsFake((input: { FunctionName?: string }) => ({ Aliases: fakeFunction(input.FunctionName).aliases.map((name) => ({ Name: name })) }));
  lambda.on(GetPolicyCommand).callsFake((input: { FunctionName?: string; Qualifier?: string }) => {
    const fn = fakeFunction(input.FunctionName);
    if (fn.refuses === true) throw awsError('AccessDeniedException');
    const statements = fn.policies[input.Qualifier ?? ''];
    if (statements === undefined || statements.length === 0) throw awsError('ResourceNotFoundException');
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }), RevisionId: 'revision-1' };
  });
  lambda.on(ListFunctionUrlConfigsCommand).callsFake((input: { FunctionName?: string }) => ({
    FunctionUrlConfigs: fakeFunction(input.FunctionName).urls.map((url) => ({
      FunctionUrl: `https://${url.qualifier ?? 'latest'}0123456789abcdef.lambda-url.us-east-1.on.aws/`,
      FunctionArn: url.qualifier === undefined ? input.FunctionName : `${input.FunctionName}:${url.qualifier}`,
      AuthType: url.authType,
      CreationTime: '2026-11-20T10:15:30.000Z',
      LastModifiedTime: '2026-11-20T10:15:30.000Z',
    })),
  }));
}

function scan(): Promise<ScanReport> {
  return scanWithMocks(lambdaReader, { context });
}

beforeEach(() => {
  account = seededAccount();
  listed.length = 0;
  lambda.reset();
  answerLambda();
});

afterAll(() => {
  lambda.restore();
});

describe('the Lambda state reader', () => {
  it('finds exactly the seeded risks (each permission, qualifier and URL apart), none of the look-alikes, and leaves unreadable functions unread', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [
        `lambda-function-exposed ${ORDERS} permission/public-invoke high`,
        `lambda-function-exposed ${ORDERS} permission/partner-read high`,
        `lambda-function-exposed ${ORDERS} permission/url-public high`,
        `lambda-function-exposed ${ORDERS} permission/url-invoke high`,
        `lambda-function-exposed ${ORDERS} permission/alias-partner@prod medium`,
        `lambda-function-exposed ${ORDERS} permission/v1-public@1 high`,
        `lambda-function-exposed ${ORDERS} url high`,
      ].sort(),
    );
    expect(report.unread.map((item) => `${item.resource} ${item.reason}`).sort()).toEqual([
      `${functionArn('locked')} AccessDeniedException`,
      `${functionArn('odd')} a statement of the function is not one AddPermission writes`,
    ]);
    expect(report.counts).toEqual({ functions: 5, 'function versions': 1 });
  });

  it('reads the policy of the function, of each published version and of each alias, following every page of functions', async () => {
    await scan();

    expect(listed).toEqual([
      { FunctionVersion: 'ALL', MaxItems: 50 },
      { FunctionVersion: 'ALL', MaxItems: 50, Marker: '2' },
      { FunctionVersion: 'ALL', MaxItems: 50, Marker: '4' },
    ]);
    const ordersPolicies = lambda
      .commandCalls(GetPolicyCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.FunctionName === ORDERS)
      .map((input) => input.Qualifier ?? '-');
    expect(ordersPolicies.sort()).toEqual(['-', '1', 'prod']);
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const addPermission = (parameters: Record<string, unknown>) =>
      loggedCall('lambda.amazonaws.com', 'AddPermission20150331v2', { functionName: 'orders', action: 'lambda:InvokeFunction', ...parameters });
    const events: CloudTrailRecord[] = [
      addPermission({ statementId: 'public-invoke', principal: '*' }),
      addPermission({ statementId: 'partner-read', principal: OUTSIDE, action: 'lambda:GetFunction' }),
      addPermission({ statementId: 'url-public', principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' }),
      addPermission({ statementId: 'url-invoke', principal: '*', invokedViaFunctionUrl: true }),
      addPermission({ functionName: `orders:prod`, statementId: 'alias-partner', principal: OUTSIDE }),
      addPermission({ functionName: ORDERS, qualifier: '1', statementId: 'v1-public', principal: '*' }),
      loggedCall(
        'lambda.amazonaws.com',
        'CreateFunctionUrlConfig20211031',
        { functionName: 'orders', authType: 'NONE' },
        { responseElements: { functionUrl: 'https://example.lambda-url.us-east-1.on.aws/', functionArn: ORDERS, authType: 'NONE' } },
      ),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(7);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan, and leaves the findings of an unread function as they are', async () => {
    // An event's finding on the function whose policy cannot be read.
    const locked = detected({ ruleId: 'lambda-function-exposed', resource: functionArn('locked'), scope: 'permission/old', severity: 'high' });
    await opened.store.apply(evaluation({ detected: [locked] }));
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(7);

    const orders = account['orders'];
    if (orders === undefined) throw new Error('seeded account without orders');
    orders.policies[''] = (orders.policies[''] ?? []).filter((item) => (item as { Sid: string }).Sid !== 'partner-read');
    orders.policies['1'] = [];
    orders.urls = [{ authType: 'AWS_IAM' }];
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    expect(second.resolved.map((change) => change.finding?.scope).sort()).toEqual(['permission/partner-read', 'permission/v1-public@1', 'url']);
    expect(second.written.map((change) => change.outcome)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect((await opened.store.get(locked.findingId))?.status).toBe('open');
  });
});
