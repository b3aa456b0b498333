import jsonata from 'jsonata';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintTemplate } from './cfn-lint.js';
import { packageService, resource, type Template } from './package.js';
import { ACCOUNT, listOf, literal, type ParameterValues, parameterValues, type Statement, statementsOf, templatePolicies } from './policies.js';
import { analyseBucketPolicy } from '../../shared/policy/bucket-policy.js';
import { findWildcardGrants } from '../../shared/policy/wildcard-grants.js';

// The backfill part of the stack (serverless.yml, "backfill"): one packaging, as `npm run package` does
// with no setting given; every resource of it hangs on the Backfills condition, which the backfill
// parameter sets at deploy time, so the same template is read with it off (the default) and on.
const TRAIL_BUCKET = 'org-trail-archive';
const TRAIL_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BATCH_FUNCTION = 'ReplayDashlogDashbatchLambdaFunction';
const STATE_MACHINE_NAME = 'iam-warden-prod-backfill';

let template: Template;
beforeAll(async () => {
  template = (await packageService()).template;
}, 120_000);

const withDefaults = (values: ParameterValues = {}): ParameterValues => parameterValues(template, values);
const backfillOn = (values: ParameterValues = {}): ParameterValues => withDefaults({ backfill: 'true', backfillTrailBucket: TRAIL_BUCKET, ...values });

/** A template condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition) as CloudFormation evaluates it at deploy time. */
function conditionHolds(name: string, parameters: ParameterValues): boolean {
  const evaluate = (expression: unknown): boolean => {
    const [[operator, argument]] = Object.entries(expression as Record<string, unknown>) as [[string, unknown]];
    const operands = argument as unknown[];
    if (operator === 'Fn::Equals') return literal(operands[0], parameters) === literal(operands[1], parameters);
    if (operator === 'Fn::Not') return !evaluate(operands[0]);
    if (operator === 'Fn::And') return operands.every(evaluate);
    if (operator === 'Fn::Or') return operands.some(evaluate);
    if (operator === 'Condition') return conditionHolds(argument as string, parameters);
    throw new Error(`condition ${name}: ${operator} is not evaluated here`);
  };
  const expression = template.Conditions?.[name];
  if (expression === undefined) throw new Error(`no condition ${name} in the template`);
  return evaluate(expression);
}

/** The logical ids CloudFormation creates with these parameter values. */
const created = (parameters: ParameterValues): string[] =>
  Object.entries(template.Resources)
    .filter(([, candidate]) => candidate.Condition === undefined || conditionHolds(candidate.Condition, parameters))
    .map(([logicalId]) => logicalId);

/** A parameter's AllowedPattern, which CloudFormation checks against the whole value. */
function allowedPattern(name: string): RegExp {
  const pattern = (template.Parameters?.[name] as { AllowedPattern?: string } | undefined)?.AllowedPattern;
  if (pattern === undefined) throw new Error(`parameter ${name} has no AllowedPattern`);
  return new RegExp(pattern);
}

const isBackfill = (logicalId: string): boolean => /^Backfill|^ReplayDashlogDashbatch/.test(logicalId);

type Json = Record<string, unknown>;

/** The state machine's definition as CloudFormation hands it to Step Functions with these parameter values. */
function definition(parameters: ParameterValues): { QueryLanguage?: string; StartAt: string; States: Record<string, Json> } {
  return JSON.parse(literal(resource(template, 'BackfillStateMachine').Properties?.['DefinitionString'], parameters) as string);
}

/** Its one state. */
const mapState = (parameters: ParameterValues = backfillOn()): Json => {
  const asl = definition(parameters);
  return asl.States[asl.StartAt] ?? {};
};

/** A role's statements: its inline policies and the AWS::IAM::Policy resources attached to it that these parameters create. */
function roleStatements(roleId: string, parameters: ParameterValues): Statement[] {
  const inline = ((resource(template, roleId).Properties?.['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []).map(
    (policy) => policy.PolicyDocument,
  );
  const attached = Object.values(template.Resources)
    .filter((candidate) => candidate.Type === 'AWS::IAM::Policy' && JSON.stringify(candidate.Properties?.['Roles']) === JSON.stringify([{ Ref: roleId }]))
    .filter((policy) => policy.Condition === undefined || conditionHolds(policy.Condition, parameters))
    .map((policy) => policy.Properties?.['PolicyDocument']);
  return [...inline, ...attached].flatMap((document) => statementsOf(literal(document, parameters) as Record<string, unknown>));
}

/** Each granted action with the resources it is granted on, and any condition. */
const grants = (statements: readonly Statement[]) =>
  statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) =>
      listOf(statement.Action).map((action) => ({
        action,
        resources: listOf(statement.Resource),
        ...(statement.Condition ? { condition: statement.Condition } : {}),
      })),
    )
    .sort((a, b) => (a.action < b.action ? -1 : 1));

const functionArn = literal({ 'Fn::GetAtt': [BATCH_FUNCTION, 'Arn'] });
const resultsBucket = literal({ Ref: 'BackfillResultsBucket' });
const resultsBucketArn = literal({ 'Fn::GetAtt': ['BackfillResultsBucket', 'Arn'] });

describe('the backfill parameter', () => {
  it('is off by default: nothing of the backfill is created, and no output names it', () => {
    expect(template.Parameters?.['backfill']).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
    const backfillIds = Object.keys(template.Resources).filter(isBackfill);

    expect(backfillIds.length).toBeGreaterThanOrEqual(8);
    expect(created(withDefaults()).filter(isBackfill)).toEqual([]);
    for (const [name, output] of Object.entries(template.Outputs ?? {}))
      if (name.startsWith('Backfill')) expect(conditionHolds((output as { Condition: string }).Condition, withDefaults()), name).toBe(false);
  });

  it('on, creates the state machine, its role, the results bucket, the batch function with its role and log group, and nothing for a KMS key or the organization unless asked', () => {
    const on = created(backfillOn()).filter(isBackfill).sort();

    expect(on).toEqual(
      [
        'BackfillBatchRole',
        'BackfillResultsBucket',
        'BackfillResultsBucketPolicy',
        'BackfillStateMachine',
        'BackfillStateMachineRole',
        `${BATCH_FUNCTION}`,
        'ReplayDashlogDashbatchLogGroup',
      ].sort(),
    );
    expect(created(backfillOn({ backfillTrailKeyArn: TRAIL_KEY }))).toContain('BackfillBatchDecryptTrail');
    expect(created(backfillOn({ trustOrganization: 'true' }))).toContain('BackfillBatchReadOrganization');
    // trustOrganization alone adds nothing of the backfill.
    expect(created(withDefaults({ trustOrganization: 'true', backfillTrailKeyArn: TRAIL_KEY })).filter(isBackfill)).toEqual([]);
  });

  it('takes only a bucket name and a KMS key ARN (or nothing) for the trail, and a concurrency Distributed Map accepts', () => {
    expect(template.Parameters?.['backfillTrailBucket']).toMatchObject({ Default: '' });
    const bucketPattern = allowedPattern('backfillTrailBucket');
    const keyPattern = allowedPattern('backfillTrailKeyArn');

    expect([TRAIL_BUCKET, 'aws-cloudtrail-logs-111122223333-0a1b2c3d', ''].map((name) => bucketPattern.test(name))).toEqual([true, true, true]);
    expect(['s3://org-trail-archive', 'arn:aws:s3:::org-trail-archive', 'Trail_Bucket'].map((name) => bucketPattern.test(name))).toEqual([false, false, false]);
    expect([TRAIL_KEY, ''].map((arn) => keyPattern.test(arn))).toEqual([true, true]);
    expect(keyPattern.test('alias/aws/s3')).toBe(false);
    expect(template.Parameters?.['backfillMaxConcurrency']).toMatchObject({ Type: 'Number', Default: 50, MinValue: 1, MaxValue: 10000 });
  });

  it('names the state machine in an output, for the command that starts a backfill', () => {
    expect(template.Outputs?.['BackfillStateMachineArn']).toEqual(expect.objectContaining({ Condition: 'Backfills', Value: { Ref: 'BackfillStateMachine' } }));
    expect(resource(template, 'BackfillStateMachine').Properties).toMatchObject({ StateMachineName: STATE_MACHINE_NAME, StateMachineType: 'STANDARD' });
  });
});

describe('the state machine definition', () => {
  it('is one Distributed Map state, in JSONata, whose children are STANDARD executions', () => {
    const asl = definition(backfillOn());

    expect(asl.QueryLanguage).toBe('JSONata');
    expect(Object.keys(asl.States)).toEqual([asl.StartAt]);
    expect(mapState()).toMatchObject({ Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } });
  });

  it('lists the objects under the bucket and prefix of the execution input (ItemReader over ListObjectsV2)', () => {
    expect(mapState()['ItemReader']).toEqual({
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      Arguments: { Bucket: '{% $states.input.bucket %}', Prefix: '{% $states.input.prefix %}' },
    });
  });

  it('hands each child a batch of files with the bucket and the window of the input (ItemBatcher, BatchInput)', () => {
    const batcher = mapState()['ItemBatcher'] as { MaxItemsPerBatch: number; MaxInputBytesPerBatch: number; BatchInput: Record<string, string> };

    expect(batcher.MaxItemsPerBatch).toBe(500);
    // Long keys (a deep trail prefix) fill a batch before 500 of them: a child's input stays under Step Functions' 256 KiB.
    expect(batcher.MaxInputBytesPerBatch).toBe(200 * 1024);
    expect(batcher.BatchInput).toEqual({
      bucket: '{% $states.input.bucket %}',
      // An input without a side of the window gives null: the batch function reads it as open.
      since: '{% $exists($states.input.since) ? $states.input.since : null %}',
      until: '{% $exists($states.input.until) ? $states.input.until : null %}',
    });
  });

  it('runs at most backfillMaxConcurrency batches at once (50 by default) and tolerates a few failed ones', () => {
    expect(mapState()['MaxConcurrency']).toBe(50);
    expect(mapState(backfillOn({ backfillMaxConcurrency: '400' }))['MaxConcurrency']).toBe(400);
    expect(mapState()['ToleratedFailurePercentage']).toBe(5);
  });

  it('invokes the batch function with the batch, retrying its transient errors with backoff, then a failed batch twice', () => {
    const processor = mapState()['ItemProcessor'] as { StartAt: string; States: Record<string, Json> };
    const task = processor.States[processor.StartAt]!;

    expect(Object.keys(processor.States)).toEqual([processor.StartAt]);
    expect(task).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: functionArn, Payload: '{% $states.input %}' },
      Output: '{% $states.result.Payload %}',
      End: true,
    });
    const [transient, failed] = task['Retry'] as { ErrorEquals: string[]; MaxAttempts: number; BackoffRate: number; IntervalSeconds: number }[];
    expect(transient?.ErrorEquals).toEqual(
      expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException']),
    );
    expect(transient).toMatchObject({ MaxAttempts: 6, BackoffRate: 2 });
    expect(failed).toMatchObject({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 });
  });

  it("writes every batch's result to the stack's results bucket, so an archive of any size fits (ResultWriter)", () => {
    expect(mapState()['ResultWriter']).toEqual({ Resource: 'arn:aws:states:::s3:putObject', Arguments: { Bucket: resultsBucket, Prefix: 'backfill' } });
  });

  // The expressions run in Step Functions' JSONata: here in the jsonata library itself, with $states bound
  // as Step Functions binds it, so a syntax error or a wrong path fails here rather than in a run.
  it('has JSONata expressions that compile and give the batch function the bucket and an open or closed window', async () => {
    const asl = definition(backfillOn());
    const expressions = JSON.stringify(asl).match(/\{% .*? %\}/g) ?? [];
    const evaluate = (expression: string, states: object): Promise<unknown> => jsonata(expression.slice(3, -3)).evaluate({}, { states });
    const batchInput = async (input: object): Promise<Record<string, unknown>> => {
      const fields = Object.entries((mapState()['ItemBatcher'] as { BatchInput: Record<string, string> }).BatchInput);
      return Object.fromEntries(await Promise.all(fields.map(async ([name, expression]) => [name, await evaluate(expression, { input })] as const)));
    };

    expect(expressions.length).toBeGreaterThanOrEqual(6);
    for (const expression of expressions) expect(() => jsonata(expression.slice(3, -3)), expression).not.toThrow();
    expect(await batchInput({ bucket: TRAIL_BUCKET, prefix: 'AWSLogs/', since: '2025-01-01' })).toEqual({
      bucket: TRAIL_BUCKET,
      since: '2025-01-01',
      until: null,
    });
    expect(await batchInput({ bucket: TRAIL_BUCKET, prefix: 'AWSLogs/' })).toEqual({ bucket: TRAIL_BUCKET, since: null, until: null });
    const reader = (mapState()['ItemReader'] as { Arguments: Record<string, string> }).Arguments;
    expect(await evaluate(reader['Prefix'] ?? '', { input: { bucket: TRAIL_BUCKET, prefix: 'AWSLogs/o-abc123/' } })).toBe('AWSLogs/o-abc123/');
  });

  it("passes cfn-lint's state machine schema once substituted (E3601), which catches a misspelt field", async () => {
    const substituted = (mutate: (map: Record<string, unknown>) => void = () => {}): Template => {
      const copy = structuredClone(template) as unknown as { Resources: Record<string, { Properties: Record<string, unknown> }> };
      const asl = definition(backfillOn());
      mutate(asl.States[asl.StartAt] ?? {});
      const { DefinitionString: _asText, ...properties } = copy.Resources['BackfillStateMachine']!.Properties;
      copy.Resources['BackfillStateMachine']!.Properties = { ...properties, Definition: asl };
      return copy as unknown as Template;
    };
    const misspelt = substituted((map) => {
      map['ItemBatchr'] = map['ItemBatcher'];
      delete map['ItemBatcher'];
    });

    const [findings, misspeltFindings] = await Promise.all([lintTemplate(substituted()), lintTemplate(misspelt)]);

    // Substituting the definition leaves backfillMaxConcurrency unused (W2001): nothing else may be found.
    expect(findings.filter((finding) => finding.level === 'Error' || (finding.resource === 'BackfillStateMachine' && finding.rule !== 'I1022'))).toEqual([]);
    expect(misspeltFindings).toContainEqual(expect.objectContaining({ rule: 'E3601', resource: 'BackfillStateMachine' }));
  }, 90_000);
});

describe('least privilege', () => {
  it('lets the state machine list the trail bucket, invoke the batch function, run its own children and write its results, and nothing else', () => {
    const stateMachineArn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;

    expect(grants(roleStatements('BackfillStateMachineRole', backfillOn()))).toEqual(
      [
        { action: 's3:ListBucket', resources: [`arn:aws:s3:::${TRAIL_BUCKET}`] },
        { action: 'lambda:InvokeFunction', resources: [functionArn] },
        { action: 'states:StartExecution', resources: [stateMachineArn] },
        { action: 'states:DescribeExecution', resources: [`arn:aws:states:us-east-1:${ACCOUNT}:execution:${STATE_MACHINE_NAME}/*`] },
        { action: 'states:StopExecution', resources: [`arn:aws:states:us-east-1:${ACCOUNT}:execution:${STATE_MACHINE_NAME}/*`] },
        ...['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'].map((action) => ({
          action,
          resources: [`${resultsBucketArn}/*`],
        })),
      ].sort((a, b) => (a.action < b.action ? -1 : 1)),
    );
    const [trust] = statementsOf(literal(resource(template, 'BackfillStateMachineRole').Properties?.['AssumeRolePolicyDocument']) as Record<string, unknown>);
    expect(trust).toMatchObject({ Principal: { Service: 'states.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
  });

  it('lets the batch function read the trail bucket objects and write findings as the detection function does, never publish', () => {
    const batch = grants(roleStatements('BackfillBatchRole', backfillOn()));
    const detectTable = grants(roleStatements('DetectRole', withDefaults())).filter((grant) => grant.action.startsWith('dynamodb:'));

    expect(batch.filter((grant) => grant.action.startsWith('dynamodb:'))).toEqual(detectTable);
    expect(batch.filter((grant) => !grant.action.startsWith('dynamodb:'))).toEqual([
      { action: 'kms:Decrypt', resources: [literal({ 'Fn::GetAtt': ['WardenKey', 'Arn'] })] },
      { action: 'kms:GenerateDataKey', resources: [literal({ 'Fn::GetAtt': ['WardenKey', 'Arn'] })] },
      { action: 'logs:CreateLogStream', resources: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/iam-warden-prod-replay-log-batch:*`] },
      { action: 'logs:PutLogEvents', resources: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/iam-warden-prod-replay-log-batch:*`] },
      { action: 's3:GetObject', resources: [`arn:aws:s3:::${TRAIL_BUCKET}/*`] },
    ]);
    const [trust] = statementsOf(literal(resource(template, 'BackfillBatchRole').Properties?.['AssumeRolePolicyDocument']) as Record<string, unknown>);
    expect(trust).toMatchObject({ Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
  });

  it('lets the batch function decrypt with the trail key only when one is given, and only through S3', () => {
    const decrypts = (parameters: ParameterValues) =>
      grants(roleStatements('BackfillBatchRole', parameters)).filter((grant) => grant.action === 'kms:Decrypt' && !grant.resources[0]?.includes('WardenKey'));

    expect(decrypts(backfillOn())).toEqual([]);
    expect(decrypts(backfillOn({ backfillTrailKeyArn: TRAIL_KEY }))).toEqual([
      { action: 'kms:Decrypt', resources: [TRAIL_KEY], condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } },
    ]);
  });

  it('lets the batch function read the organization only with trustOrganization, as the detection function', () => {
    const organizations = (parameters: ParameterValues) =>
      grants(roleStatements('BackfillBatchRole', parameters))
        .filter((grant) => grant.action.startsWith('organizations:'))
        .map((grant) => grant.action);

    expect(organizations(backfillOn())).toEqual([]);
    expect(organizations(backfillOn({ trustOrganization: 'true' }))).toEqual(['organizations:DescribeOrganization', 'organizations:ListAccounts']);
  });

  it('keeps the results bucket private, encrypted, out of plain HTTP, and emptied by age', () => {
    expect(resource(template, 'BackfillResultsBucket')).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 90 })] },
      },
    });
    const statements = statementsOf(literal(resource(template, 'BackfillResultsBucketPolicy').Properties?.['PolicyDocument']) as Record<string, unknown>);
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it("finds no wildcard grant or public policy in the backfill's policies with every option on (iam-warden's own analysis)", () => {
    const everything = backfillOn({ backfillTrailKeyArn: TRAIL_KEY, trustOrganization: 'true' });
    const policies = templatePolicies(template, everything).filter((policy) => isBackfill(policy.where.split(' ')[0] ?? ''));

    expect(policies.map((policy) => policy.where.split(' ')[0])).toEqual(
      expect.arrayContaining(['BackfillStateMachineRole', 'BackfillBatchRole', 'BackfillResultsBucketPolicy', 'BackfillBatchDecryptTrail']),
    );
    for (const policy of policies) {
      const wildcards = findWildcardGrants(policy.document);
      expect(wildcards.ok && wildcards.grants, policy.where).toEqual([]);
      if (policy.kind === 'identity') continue;
      const exposure = analyseBucketPolicy(policy.document);
      expect(exposure.ok && exposure.statements, policy.where).toEqual([]);
    }
  });
});
