import {
  GetPolicyCommand,
  LambdaClient,
  paginateListAliases,
  paginateListFunctions,
  paginateListFunctionUrlConfigs,
  type FunctionConfiguration,
  type FunctionUrlConfig,
} from '@aws-sdk/client-lambda';
import { isObject } from '../../cloudtrail/record.js';
import { mapBounded } from '../concurrency.js';
import { awsErrorCode } from '../read-resource.js';
import type { EquivalentChange, ReadTarget, StateReader, StateSink } from '../reader.js';

const LAMBDA = 'lambda.amazonaws.com';

/** ListFunctions and ListFunctionUrlConfigs return at most 50 items a page; ListAliases up to 10,000 (Lambda API reference). */
const FUNCTIONS_PER_PAGE = 50;
const URLS_PER_PAGE = 50;
const ALIASES_PER_PAGE = 10_000;

/** The event names the rule reads, as CloudTrail spells Lambda's versioned calls. */
const ADD_PERMISSION = 'AddPermission20150331v2';
const CREATE_URL = 'CreateFunctionUrlConfig20211031';

/**
 * Who may call the account's Lambda functions in one region (lambda-function-exposed): each statement
 * of a function's resource policy as the AddPermission that would add it, and each function URL as
 * the CreateFunctionUrlConfig that would create it (the rule raises those with auth type NONE).
 *
 * A version and an alias have policies of their own (and an alias a URL of its own), which the rule
 * tells apart by qualifier: so every published version (ListFunctions with FunctionVersion ALL) and
 * every alias is read, not only the function itself. Calls: one GetPolicy per function, version and
 * alias, and one ListAliases and one ListFunctionUrlConfigs per function. Lambda answers
 * ResourceNotFoundException to GetPolicy when there is no policy.
 *
 * Lambda writes every statement itself, from AddPermission's parameters
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html); a statement that
 * cannot be read back into them leaves its function unread rather than judged on a guess.
 */
export const lambdaReader: StateReader = {
  id: 'lambda',
  reach: 'regional',
  ruleIds: ['lambda-function-exposed'],
  permissions: ['lambda:ListFunctions', 'lambda:ListAliases', 'lambda:GetPolicy', 'lambda:ListFunctionUrlConfigs'],

  async read(target, sink) {
    const client = new LambdaClient(target.clientConfig);
    try {
      for await (const page of paginateListFunctions({ client, pageSize: FUNCTIONS_PER_PAGE }, { FunctionVersion: 'ALL' })) {
        const entries = (page.Functions ?? []).flatMap((entry) => functionVersionOf(entry, target) ?? []);
        await mapBounded(entries, target.concurrency, (entry) =>
          readOrUnread(sink, entry.arn, () =>
            entry.version === undefined ? readFunction(client, entry.arn, sink) : readPolicy(client, entry.arn, entry.version, sink),
          ),
        );
        sink.progress('functions', entries.filter((entry) => entry.version === undefined).length);
        sink.progress('function versions', entries.filter((entry) => entry.version !== undefined).length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One entry of the list: the function (its unqualified ARN, as the rule names every finding) and the published version, or undefined for $LATEST. */
interface FunctionVersion {
  readonly arn: string;
  readonly version: string | undefined;
}

function functionVersionOf(entry: FunctionConfiguration, target: ReadTarget): FunctionVersion | undefined {
  if (entry.FunctionName === undefined || entry.FunctionName === '') return undefined;
  const arn = `arn:${target.partition}:lambda:${target.region}:${target.account}:function:${entry.FunctionName}`;
  return { arn, version: entry.Version === undefined || entry.Version === '$LATEST' ? undefined : entry.Version };
}

/** A function's own policy, its aliases' policies and its URLs. */
async function readFunction(client: LambdaClient, arn: string, sink: StateSink): Promise<void> {
  await readPolicy(client, arn, undefined, sink);
  for (const alias of await aliasesOf(client, arn)) await readPolicy(client, arn, alias, sink);
  for await (const page of paginateListFunctionUrlConfigs({ client, pageSize: URLS_PER_PAGE }, { FunctionName: arn })) {
    for (const config of page.FunctionUrlConfigs ?? []) sink.observe(urlChange(arn, config));
  }
}

async function aliasesOf(client: LambdaClient, arn: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListAliases({ client, pageSize: ALIASES_PER_PAGE }, { FunctionName: arn })) {
    names.push(...(page.Aliases ?? []).flatMap((alias) => (alias.Name === undefined || alias.Name === '' ? [] : [alias.Name])));
  }
  return names;
}

/**
 * The policy of the function, a version or an alias, each statement as the AddPermission that adds it;
 * none presents nothing. A statement AddPermission cannot have written leaves the function unread.
 */
async function readPolicy(client: LambdaClient, arn: string, qualifier: string | undefined, sink: StateSink): Promise<void> {
  let policy: string | undefined;
  try {
    ({ Policy: policy } = await client.send(new GetPolicyCommand({ FunctionName: arn, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) })));
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
    throw error;
  }
  const where = qualifier === undefined ? 'the function' : `qualifier ${qualifier}`;
  const statements = statementsOf(policy);
  if (statements === undefined) {
    sink.unread({ resource: arn, reason: `the policy of ${where} is not a policy document` });
    return;
  }
  for (const statement of statements) {
    const parameters = addPermissionParameters(statement);
    if (parameters === undefined) {
      sink.unread({ resource: arn, reason: `a statement of ${where} is not one AddPermission writes` });
      continue;
    }
    sink.observe({
      eventSource: LAMBDA,
      eventName: ADD_PERMISSION,
      requestParameters: { functionName: arn, ...(qualifier === undefined ? {} : { qualifier }), ...parameters },
      responseElements: { statement: JSON.stringify(statement) },
    });
  }
}

/** A function URL (of the function, or of an alias named at the end of its ARN) as the call that creates it. */
function urlChange(arn: string, config: FunctionUrlConfig): EquivalentChange {
  const configArn = config.FunctionArn ?? arn;
  const qualifier = configArn.startsWith(`${arn}:`) ? configArn.slice(arn.length + 1) : undefined;
  return {
    eventSource: LAMBDA,
    eventName: CREATE_URL,
    requestParameters: {
      functionName: arn,
      ...(qualifier === undefined ? {} : { qualifier }),
      ...(config.AuthType === undefined ? {} : { authType: config.AuthType }),
    },
    responseElements: { functionUrl: config.FunctionUrl, functionArn: configArn, authType: config.AuthType },
  };
}

/** One function's (or version's) calls: a failure (deleted meanwhile, denied) leaves the function unread and the read goes on. */
async function readOrUnread(sink: StateSink, arn: string, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    sink.unread({ resource: arn, reason: awsErrorCode(error) });
  }
}

/** The statements of a policy (none without one), or undefined when it is not a document. */
function statementsOf(policy: string | undefined): unknown[] | undefined {
  if (policy === undefined || policy === '') return [];
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return undefined;
  }
  const statement = isObject(document) ? document['Statement'] : undefined;
  return Array.isArray(statement) ? statement : isObject(statement) ? [statement] : undefined;
}

/**
 * The condition each optional AddPermission parameter becomes in the statement Lambda writes (keys
 * compared without case: Lambda writes `AWS:SourceAccount`). The source ARN is matched with ArnLike
 * (StringLike in some answers).
 */
const CONDITION_PARAMETERS: readonly { readonly operators: readonly string[]; readonly key: string; readonly parameter: string }[] = [
  { operators: ['StringEquals'], key: 'aws:sourceaccount', parameter: 'sourceAccount' },
  { operators: ['ArnLike', 'StringLike'], key: 'aws:sourcearn', parameter: 'sourceArn' },
  { operators: ['StringEquals'], key: 'aws:principalorgid', parameter: 'principalOrgID' },
  { operators: ['StringEquals'], key: 'lambda:functionurlauthtype', parameter: 'functionUrlAuthType' },
  { operators: ['StringEquals'], key: 'lambda:eventsourcetoken', parameter: 'eventSourceToken' },
  { operators: ['Bool'], key: 'lambda:invokedviafunctionurl', parameter: 'invokedViaFunctionUrl' },
];

/** What a statement Lambda writes may hold. */
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

/**
 * AddPermission's request parameters (as CloudTrail logs them) for the statement it writes: Sid,
 * one principal, one action and each condition back to its parameter; undefined for any other
 * statement.
 */
function addPermissionParameters(statement: unknown): Record<string, unknown> | undefined {
  if (!isObject(statement) || statement['Effect'] !== 'Allow' || Object.keys(statement).some((key) => !STATEMENT_KEYS.has(key))) return undefined;
  const statementId = statement['Sid'];
  const action = statement['Action'];
  const principal = principalOf(statement['Principal']);
  const conditions = conditionParameters(statement['Condition']);
  if (typeof statementId !== 'string' || statementId === '' || typeof action !== 'string' || principal === undefined || conditions === undefined)
    return undefined;
  return { statementId, action, principal, ...conditions };
}

/** The principal as AddPermission takes it: "*", an account id (written as its root ARN), an IAM ARN or a service. */
function principalOf(principal: unknown): string | undefined {
  if (principal === '*') return '*';
  if (!isObject(principal) || Object.keys(principal).length !== 1) return undefined;
  const [type, value] = Object.entries(principal)[0] ?? [];
  if (typeof value !== 'string' || value === '') return undefined;
  if (type === 'Service') return value;
  if (type !== 'AWS') return undefined;
  return /^arn:[a-z-]+:iam::(\d{12}):root$/.exec(value)?.[1] ?? value;
}

/** Each condition as its AddPermission parameter; undefined when one is not. */
function conditionParameters(condition: unknown): Record<string, string | boolean> | undefined {
  if (condition === undefined) return {};
  if (!isObject(condition)) return undefined;
  const parameters: Record<string, string | boolean> = {};
  for (const [operator, keys] of Object.entries(condition)) {
    if (!isObject(keys)) return undefined;
    for (const [key, value] of Object.entries(keys)) {
      const known = CONDITION_PARAMETERS.find((entry) => entry.operators.includes(operator) && entry.key === key.toLowerCase());
      if (known === undefined || typeof value !== 'string') return undefined;
      if (operator === 'Bool') {
        if (value.toLowerCase() !== 'true') return undefined;
        parameters[known.parameter] = true;
      } else parameters[known.parameter] = value;
    }
  }
  return parameters;
}
