import { accountOf, actorOf, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import { isAccountId } from '../../policy/boundary.js';
import { analyseResourcePolicy } from '../../policy/resource-policy.js';
import type { Detection, DetectionContext, DetectionMatch, RiskRemoval, Severity } from '../detection.js';

/**
 * Lambda's CloudTrail event names carry the API version (AddPermission20150331v2,
 * DeleteFunction20150331), and AWS has logged several versions of some calls
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-cloudtrail.html): the rule listens to
 * each spelling it knows and reads the call by its bare API name. Public records show the versioned
 * names for permissions and deletion; for function URLs both spellings are listened to.
 */
const EVENT_NAMES = [
  'AddPermission20150331v2',
  'AddPermission20150331',
  'RemovePermission20150331v2',
  'RemovePermission20150331',
  'CreateFunctionUrlConfig20211031',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig20211031',
  'UpdateFunctionUrlConfig',
  'DeleteFunctionUrlConfig20211031',
  'DeleteFunctionUrlConfig',
  'DeleteFunction20150331',
  'DeleteFunction',
];

function apiNameOf(record: CloudTrailRecord): string {
  return record.eventName.replace(/\d{8}(v\d+)?$/, '');
}

/** Invoking runs the function; any other action (GetFunction returns its code and environment) reads or changes it. */
const INVOKE_ACTIONS = new Set(['lambda:invokefunction', 'lambda:invokefunctionurl']);

/** The condition key Lambda writes for an Alexa skill's event source token: it pins the caller (Access Analyzer reads it so). */
const SERVICE_KEYS = ['lambda:EventSourceToken'];

interface FunctionRef {
  readonly name: string;
  /** Unqualified: every finding of a function lives on it, told apart by scope. */
  readonly arn: string;
  readonly account: string;
  /** The alias or version the call applies to; undefined for the function itself. */
  readonly qualifier: string | undefined;
}

/**
 * The function a request names: "my-function", "my-function:prod", "123456789012:function:my-function"
 * or its full ARN, each optionally ending in a qualifier; `qualifier` in the request wins.
 */
function functionOf(record: CloudTrailRecord): FunctionRef | undefined {
  const given = stringField(record, 'requestParameters', 'functionName');
  if (given === undefined || given === '') return undefined;
  const parts = given.split(':');
  const fullArn = parts[0] === 'arn' && parts[2] === 'lambda' && parts[5] === 'function';
  const partialArn = !fullArn && isAccountId(parts[0] ?? '') && parts[1] === 'function';
  const partition = fullArn ? parts[1] : partitionOf(record);
  const region = fullArn ? parts[3] : regionOf(record);
  const account = fullArn ? parts[4] : partialArn ? parts[0] : accountOf(record);
  const rest = fullArn ? parts.slice(6) : partialArn ? parts.slice(2) : parts;
  const [name, suffix] = rest;
  if (!name || !partition || !region || !account || rest.length > 2) return undefined;
  const qualifier = stringField(record, 'requestParameters', 'qualifier') || suffix || undefined;
  return { name, arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`, account, qualifier };
}

function qualified(base: string, qualifier: string | undefined): string {
  return qualifier === undefined ? base : `${base}@${qualifier}`;
}

function labelOf(fn: FunctionRef): string {
  return fn.qualifier === undefined ? `Lambda function ${fn.name}` : `Lambda function ${fn.name} (${fn.qualifier})`;
}

/**
 * The one-statement policy AddPermission adds, built from the request the way Lambda writes it
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html): an AWS account
 * or ARN principal as {"AWS": ...}, a service as {"Service": ...}, and each optional parameter as
 * its condition.
 */
function addedStatement(record: CloudTrailRecord, fn: FunctionRef, sid: string, principal: string, action: string): object {
  const parameter = (name: string) => stringField(record, 'requestParameters', name) || undefined;
  const stringEquals: Record<string, string> = {};
  const sourceAccount = parameter('sourceAccount');
  const principalOrgId = parameter('principalOrgID');
  const authType = parameter('functionUrlAuthType');
  const eventSourceToken = parameter('eventSourceToken');
  if (sourceAccount !== undefined) stringEquals['AWS:SourceAccount'] = sourceAccount;
  if (principalOrgId !== undefined) stringEquals['aws:PrincipalOrgID'] = principalOrgId;
  if (authType !== undefined) stringEquals['lambda:FunctionUrlAuthType'] = authType;
  if (eventSourceToken !== undefined) stringEquals['lambda:EventSourceToken'] = eventSourceToken;
  const sourceArn = parameter('sourceArn');
  const condition = {
    ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
    ...(sourceArn === undefined ? {} : { ArnLike: { 'AWS:SourceArn': sourceArn } }),
  };
  const principalBlock = principal === '*' ? '*' : isAccountId(principal) || principal.startsWith('arn:') ? { AWS: principal } : { Service: principal };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: principalBlock,
        Action: action,
        Resource: fn.qualifier === undefined ? fn.arn : `${fn.arn}:${fn.qualifier}`,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

function permissionMatch(record: CloudTrailRecord, fn: FunctionRef, context: DetectionContext): DetectionMatch | undefined {
  const sid = stringField(record, 'requestParameters', 'statementId');
  const principal = stringField(record, 'requestParameters', 'principal');
  const action = stringField(record, 'requestParameters', 'action');
  if (!sid || !principal || !action) return undefined;
  const analysis = analyseResourcePolicy(addedStatement(record, fn, sid, principal, action), {
    boundary: context.boundary,
    ownAccount: fn.account,
    serviceKeys: SERVICE_KEYS,
  });
  const statement = analysis.ok ? analysis.statements[0] : undefined;
  if (statement === undefined) return undefined;
  const isPublic = statement.exposure === 'public';
  const invokeOnly = INVOKE_ACTIONS.has(action.toLowerCase());
  const severity: Severity = isPublic ? (invokeOnly ? 'high' : 'critical') : invokeOnly ? 'medium' : 'high';
  const who = isPublic ? 'anyone' : `${statement.principals.join(', ')}, outside the trusted accounts,`;
  return {
    severity,
    resource: fn.arn,
    scope: qualified(`permission/${sid}`, fn.qualifier),
    summary: `${actorOf(record).arn} let ${who} call ${action} on ${labelOf(fn)} (permission ${sid}: ${statement.reason}).`,
    details: {
      function: fn.name,
      qualifier: fn.qualifier,
      statementId: sid,
      principal,
      action,
      exposure: statement.exposure,
      outside: isPublic ? undefined : statement.principals,
      functionUrlAuthType: stringField(record, 'requestParameters', 'functionUrlAuthType'),
    },
  };
}

/** A function URL's auth type as the request sets it, else as the response reports it. */
function urlAuthTypeOf(record: CloudTrailRecord): string | undefined {
  return stringField(record, 'requestParameters', 'authType') ?? stringField(record, 'responseElements', 'authType');
}

function urlMatch(record: CloudTrailRecord, fn: FunctionRef): DetectionMatch | undefined {
  if (urlAuthTypeOf(record) !== 'NONE') return undefined;
  const url = stringField(record, 'responseElements', 'functionUrl');
  return {
    severity: 'high',
    resource: fn.arn,
    scope: qualified('url', fn.qualifier),
    summary: `${actorOf(record).arn} gave ${labelOf(fn)} a URL with auth type NONE: anyone on the internet can call it without signing the request, if its policy lets them.`,
    details: { function: fn.name, qualifier: fn.qualifier, authType: 'NONE', functionUrl: url },
  };
}

export const lambdaFunctionExposed: Detection = {
  id: 'lambda-function-exposed',
  title: 'Lambda function opened to anyone or to an outside account',
  severity: 'critical',
  description:
    'A Lambda function was opened beyond the trusted accounts, in one of two ways. (1) A permission added to its resource policy ' +
    '(AddPermission) lets anyone, or an account outside the trusted accounts, call it: principal "*" or an outside account, not ' +
    'pinned by sourceArn, sourceAccount or principalOrgID to a trusted account or organization (the statement is read the way IAM ' +
    'Access Analyzer reads it; lambda:FunctionUrlAuthType pins nobody). Invoking is not reading data, but a public function runs ' +
    "with its role on anyone's input: high when anyone may invoke it, medium for one outside account; any other action " +
    '(lambda:GetFunction returns the code and its environment variables, lambda:*) reads the function itself: critical when ' +
    'public, high for an outside account. (2) A function URL was created or changed to auth type NONE (high): Lambda no ' +
    'longer authenticates callers, so anyone on the internet can call the URL if the resource policy allows it, which the ' +
    'console adds by default. One finding per permission (statement id) and one per URL, each qualifier apart. Grants to AWS ' +
    'services (a bucket, a topic, an API) are not judged, a function deleted by version closes nothing, and a whole policy set ' +
    'with PutResourcePolicy is not read.',
  remediation:
    'Remove the permission: `aws lambda remove-permission --function-name FUNCTION --statement-id SID` (add `--qualifier` for an ' +
    'alias or version), or pin it with `--source-account`, `--source-arn` or `--principal-org-id` when you add it again. For a ' +
    'public URL, require signed requests: `aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM`, ' +
    'or delete it: `aws lambda delete-function-url-config --function-name FUNCTION`. Then review what the function can reach ' +
    'through its role and its invocations while it was open.',
  references: {
    securityHub: ['Lambda.1'],
    mitreAttack: ['T1133', 'T1578.005'],
    links: ['https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html', 'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html'],
  },
  scoped: true,
  events: [{ eventSource: 'lambda.amazonaws.com', eventNames: EVENT_NAMES }],

  evaluate(record, context) {
    const fn = functionOf(record);
    if (fn === undefined) return undefined;
    const api = apiNameOf(record);
    if (api === 'AddPermission') return permissionMatch(record, fn, context);
    if (api === 'CreateFunctionUrlConfig' || api === 'UpdateFunctionUrlConfig') return urlMatch(record, fn);
    return undefined;
  },

  resolves(record) {
    const fn = functionOf(record);
    if (fn === undefined) return [];
    const api = apiNameOf(record);
    const removals: RiskRemoval[] = [];
    if (api === 'RemovePermission') {
      const sid = stringField(record, 'requestParameters', 'statementId');
      if (sid) removals.push({ resource: fn.arn, scope: qualified(`permission/${sid}`, fn.qualifier), reason: `permission ${sid} removed` });
    }
    if (api === 'DeleteFunctionUrlConfig') removals.push({ resource: fn.arn, scope: qualified('url', fn.qualifier), reason: 'function URL deleted' });
    if (api === 'UpdateFunctionUrlConfig' && urlAuthTypeOf(record) === 'AWS_IAM') {
      removals.push({ resource: fn.arn, scope: qualified('url', fn.qualifier), reason: 'function URL requires signed requests again' });
    }
    // Deleting one version leaves the function, its aliases and their findings in place.
    if (api === 'DeleteFunction' && fn.qualifier === undefined) removals.push({ resource: fn.arn, reason: 'function deleted' });
    return removals;
  },
};
