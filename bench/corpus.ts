/**
 * A synthetic CloudTrail corpus for benchmarks: N records written as CloudTrail writes them to S3,
 * gzip files of 5,000 records (`{"Records":[...]}` on one line) in the
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` layout. Deterministic for a given seed.
 *
 * The mix is that of a busy account: most events are reads and service chatter no rule listens to
 * (AssumeRole, Describe*, List*, Get*, Decrypt, PutMetricData...); about 1.5% are writes the detections
 * look at (PutRolePolicy, CreateAccessKey, PutBucketPolicy, DeactivateMFADevice, ConsoleLogin,
 * AuthorizeSecurityGroupIngress, SetQueueAttributes, PutKeyPolicy, UpdateTrail...), some of them failed calls.
 *
 *   node bin/run-ts.js bench/corpus.ts DIR RECORDS [SEED]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface CorpusOptions {
  /** Seed of the pseudo-random generator; the same seed writes the same bytes. Default 1. */
  readonly seed?: number;
  /** Records per file. Default 5,000. */
  readonly recordsPerFile?: number;
}

export interface Corpus {
  readonly directory: string;
  readonly files: number;
  readonly records: number;
  /** Compressed bytes written. */
  readonly bytes: number;
}

/** Bumped whenever the mix changes, so a corpus cached by an older version is written again. */
export const CORPUS_VERSION = 3;

const ACCOUNTS = ['111122223333', '444455556666'] as const;
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'] as const;
const START = Date.UTC(2026, 10, 2, 0, 0, 0);
const FILE_SPAN_MS = 5 * 60 * 1000;

/** Writes the corpus under `directory` (created if missing), one file at a time. */
export async function writeCorpus(directory: string, records: number, options: CorpusOptions = {}): Promise<Corpus> {
  const perFile = options.recordsPerFile ?? 5_000;
  if (!Number.isInteger(records) || records < 0) throw new RangeError(`records must be a whole number, got ${records}`);
  if (!Number.isInteger(perFile) || perFile < 1) throw new RangeError(`recordsPerFile must be a positive whole number, got ${perFile}`);
  const random = mulberry32(options.seed ?? 1);
  let files = 0;
  let bytes = 0;
  for (let written = 0; written < records; written += perFile) {
    const count = Math.min(perFile, records - written);
    const account = ACCOUNTS[files % ACCOUNTS.length] ?? ACCOUNTS[0];
    const region = REGIONS[Math.floor(files / ACCOUNTS.length) % REGIONS.length] ?? REGIONS[0];
    const start = START + Math.floor(files / (ACCOUNTS.length * REGIONS.length)) * FILE_SPAN_MS;
    const batch: object[] = [];
    for (let index = 0; index < count; index += 1) {
      batch.push(syntheticRecord(random, account, region, start + Math.floor((index * FILE_SPAN_MS) / count)));
    }
    const body = gzipSync(JSON.stringify({ Records: batch }));
    const path = join(directory, logFilePath(account, region, start, random));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    files += 1;
    bytes += body.length;
  }
  return { directory, files, records, bytes };
}

function logFilePath(account: string, region: string, time: number, random: Random): string {
  const iso = new Date(time).toISOString(); // 2026-11-02T00:05:00.000Z
  const [year, month, day] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = `${year}${month}${day}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const id = Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(random() * 36)]).join('');
  return join('AWSLogs', account, 'CloudTrail', region, year, month, day, `${account}_CloudTrail_${region}_${stamp}_${id}.json.gz`);
}

type Random = () => number;

/** A small, fast, seeded generator (public-domain mulberry32). */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function uuid(random: Random): string {
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(random, ['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

interface Template {
  readonly weight: number;
  readonly source: string;
  readonly name: string;
  readonly global?: boolean;
  readonly readOnly: boolean;
  readonly request?: (random: Random, account: string, region: string) => unknown;
  readonly response?: (random: Random, account: string) => unknown;
  /** Share of calls that fail (AccessDenied and the like). */
  readonly failureRate?: number;
  readonly service?: string;
}

const USERS = ['alice', 'bob', 'carol', 'deploy-bot', 'ci-runner', 'dave'];
const ROLES = ['Deployer', 'ReadOnly', 'LambdaExecution', 'EcsTaskRole', 'Admin', 'DataPipeline'];
/** A handful of keys, as in a real account: their policies change, the keys stay. */
const KEY_IDS = ['1234abcd-12ab-34cd-56ef-1234567890ab', '0987dcba-09fe-87dc-65ba-ab0987654321', 'aaaabbbb-cccc-dddd-eeee-ffff00001111'];
const BUCKETS = ['app-assets-prod', 'logs-archive', 'data-lake-raw', 'build-artifacts', 'website-static'];
const policy = (action: string, resource: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

const TEMPLATES: readonly Template[] = [
  {
    weight: 180,
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    readOnly: true,
    service: 'lambda.amazonaws.com',
    request: (r, account) => ({
      roleArn: `arn:aws:iam::${account}:role/${pick(r, ROLES)}`,
      roleSessionName: `session-${Math.floor(r() * 1e6)}`,
      durationSeconds: 3600,
    }),
    response: (r, account) => ({
      credentials: { accessKeyId: `ASIA${Math.floor(r() * 1e12)}EXAMPLE`, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', expiration: 'Nov 2, 2026, 1:00:00 AM' },
      assumedRoleUser: { assumedRoleId: `AROAEXAMPLE:session`, arn: `arn:aws:sts::${account}:assumed-role/${pick(r, ROLES)}/session` },
    }),
  },
  { weight: 70, source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, request: () => ({ instancesSet: {}, filterSet: {} }) },
  {
    weight: 40,
    source: 'ec2.amazonaws.com',
    name: 'DescribeSecurityGroups',
    readOnly: true,
    request: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }),
  },
  { weight: 30, source: 'ec2.amazonaws.com', name: 'DescribeVolumes', readOnly: true, request: () => ({ volumeSet: {}, filterSet: {} }) },
  {
    weight: 30,
    source: 'ec2.amazonaws.com',
    name: 'CreateTags',
    readOnly: false,
    request: (r) => ({
      resourcesSet: { items: [{ resourceId: `i-0${Math.floor(r() * 1e15).toString(16)}` }] },
      tagSet: { items: [{ key: 'team', value: 'platform' }] },
    }),
    response: () => ({ _return: true }),
  },
  {
    weight: 120,
    source: 'kms.amazonaws.com',
    name: 'Decrypt',
    readOnly: true,
    service: 'secretsmanager.amazonaws.com',
    request: (r, account, region) => ({
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      encryptionContext: { SecretARN: `arn:aws:secretsmanager:${region}:${account}:secret:db-${Math.floor(r() * 100)}` },
    }),
  },
  {
    weight: 40,
    source: 'kms.amazonaws.com',
    name: 'GenerateDataKey',
    readOnly: true,
    service: 's3.amazonaws.com',
    request: (r, account, region) => ({ keyId: `arn:aws:kms:${region}:${account}:key/${uuid(r)}`, keySpec: 'AES_256' }),
  },
  { weight: 60, source: 'monitoring.amazonaws.com', name: 'PutMetricData', readOnly: false, request: () => ({ namespace: 'App/Requests' }) },
  {
    weight: 50,
    source: 'logs.amazonaws.com',
    name: 'CreateLogStream',
    readOnly: false,
    request: (r) => ({ logGroupName: `/aws/lambda/fn-${Math.floor(r() * 40)}`, logStreamName: `2026/11/02/[$LATEST]${Math.floor(r() * 1e16).toString(16)}` }),
  },
  {
    weight: 50,
    source: 'ssm.amazonaws.com',
    name: 'GetParameter',
    readOnly: true,
    request: (r) => ({ name: `/app/config/${Math.floor(r() * 30)}`, withDecryption: true }),
  },
  {
    weight: 40,
    source: 'cloudformation.amazonaws.com',
    name: 'DescribeStacks',
    readOnly: true,
    request: (r) => ({ stackName: `stack-${Math.floor(r() * 20)}` }),
  },
  { weight: 40, source: 'dynamodb.amazonaws.com', name: 'DescribeTable', readOnly: true, request: (r) => ({ tableName: `table-${Math.floor(r() * 10)}` }) },
  { weight: 30, source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', readOnly: true, request: () => null },
  { weight: 30, source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, request: (_r, _a, region) => ({ Host: `s3.${region}.amazonaws.com` }) },
  {
    weight: 30,
    source: 's3.amazonaws.com',
    name: 'GetBucketLocation',
    readOnly: true,
    request: (r, _a, region) => ({ bucketName: pick(r, BUCKETS), Host: `s3.${region}.amazonaws.com`, location: '' }),
  },
  {
    weight: 20,
    source: 's3.amazonaws.com',
    name: 'GetBucketAcl',
    readOnly: true,
    request: (r, _a, region) => ({ bucketName: pick(r, BUCKETS), Host: `s3.${region}.amazonaws.com`, acl: '' }),
  },
  { weight: 30, source: 'iam.amazonaws.com', name: 'GetRole', global: true, readOnly: true, request: (r) => ({ roleName: pick(r, ROLES) }) },
  { weight: 20, source: 'iam.amazonaws.com', name: 'ListRoles', global: true, readOnly: true, request: () => null },
  { weight: 20, source: 'iam.amazonaws.com', name: 'ListPolicies', global: true, readOnly: true, request: () => ({ scope: 'Local', onlyAttached: false }) },
  {
    weight: 20,
    source: 'iam.amazonaws.com',
    name: 'GetPolicy',
    global: true,
    readOnly: true,
    request: (_r, account) => ({ policyArn: `arn:aws:iam::${account}:policy/AppPolicy` }),
  },
  {
    weight: 20,
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    global: true,
    readOnly: false,
    response: (r) => ({ ConsoleLogin: r() < 0.9 ? 'Success' : 'Failure' }),
  },
  // The small share the detections listen to.
  {
    weight: 3,
    source: 'iam.amazonaws.com',
    name: 'PutRolePolicy',
    global: true,
    readOnly: false,
    failureRate: 0.2,
    request: (r) => ({
      roleName: pick(r, ROLES),
      policyName: 'inline',
      policyDocument: r() < 0.3 ? policy('*', '*') : policy('s3:GetObject', 'arn:aws:s3:::app-assets-prod/*'),
    }),
  },
  {
    weight: 3,
    source: 'iam.amazonaws.com',
    name: 'CreateAccessKey',
    global: true,
    readOnly: false,
    failureRate: 0.2,
    request: (r) => ({ userName: pick(r, USERS) }),
    response: (r) => ({
      accessKey: { accessKeyId: `AKIA${Math.floor(r() * 1e12)}EXAMPLE`, status: 'Active', userName: pick(r, USERS), createDate: 'Nov 2, 2026, 1:00:00 AM' },
    }),
  },
  {
    weight: 2,
    source: 'iam.amazonaws.com',
    name: 'AttachRolePolicy',
    global: true,
    readOnly: false,
    request: (r) => ({
      roleName: pick(r, ROLES),
      policyArn: pick(r, [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::aws:policy/AdministratorAccess',
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      ]),
    }),
  },
  {
    weight: 1,
    source: 'iam.amazonaws.com',
    name: 'DeactivateMFADevice',
    global: true,
    readOnly: false,
    failureRate: 0.3,
    request: (r, account) => {
      const user = pick(r, USERS);
      return { userName: user, serialNumber: `arn:aws:iam::${account}:mfa/${user}` };
    },
  },
  {
    weight: 2,
    source: 's3.amazonaws.com',
    name: 'PutBucketPolicy',
    readOnly: false,
    failureRate: 0.2,
    request: (r, _a, region) => {
      const bucket = pick(r, BUCKETS);
      const principal = r() < 0.3 ? '*' : { AWS: 'arn:aws:iam::111122223333:root' };
      return {
        bucketName: bucket,
        Host: `${bucket}.s3.${region}.amazonaws.com`,
        policy: '',
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
        },
      };
    },
  },
  // Events of the rules on resource policies, networks and monitoring (about 0.5% together).
  {
    weight: 2,
    source: 'ec2.amazonaws.com',
    name: 'AuthorizeSecurityGroupIngress',
    readOnly: false,
    failureRate: 0.1,
    request: (r) => ({
      groupId: `sg-0${Math.floor(r() * 5)}abc`,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: pick(r, [22, 443, 5432]),
            toPort: pick(r, [22, 443, 5432]),
            ipRanges: { items: [{ cidrIp: r() < 0.3 ? '0.0.0.0/0' : '10.0.0.0/16' }] },
          },
        ],
      },
    }),
    response: () => ({ _return: true }),
  },
  {
    weight: 1,
    source: 'sqs.amazonaws.com',
    name: 'SetQueueAttributes',
    readOnly: false,
    request: (r, account, region) => {
      const queue = `jobs-${Math.floor(r() * 5)}`;
      const principal = r() < 0.3 ? '*' : { AWS: `arn:aws:iam::${account}:root` };
      return {
        queueUrl: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
        attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${region}:${account}:${queue}` }],
          }),
        },
      };
    },
  },
  {
    weight: 1,
    source: 'kms.amazonaws.com',
    name: 'PutKeyPolicy',
    readOnly: false,
    request: (r, account) => ({
      keyId: pick(r, KEY_IDS),
      policyName: 'default',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${r() < 0.2 ? '999988887777' : account}:root` }, Action: 'kms:*', Resource: '*' }],
      }),
    }),
  },
  {
    weight: 1,
    source: 'cloudtrail.amazonaws.com',
    name: 'UpdateTrail',
    readOnly: false,
    failureRate: 0.2,
    request: (r) => ({ name: 'management', isMultiRegionTrail: r() < 0.8, enableLogFileValidation: true }),
  },
  {
    weight: 1,
    source: 's3.amazonaws.com',
    name: 'PutBucketAcl',
    readOnly: false,
    request: (r, _a, region) => {
      const bucket = pick(r, BUCKETS);
      return { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, acl: '', 'x-amz-acl': [r() < 0.5 ? 'public-read' : 'private'] };
    },
  },
];

const TOTAL_WEIGHT = TEMPLATES.reduce((sum, template) => sum + template.weight, 0);
const GLOBAL_TEMPLATES = TEMPLATES;
const REGIONAL_TEMPLATES = TEMPLATES.filter((template) => template.global !== true);
const REGIONAL_WEIGHT = REGIONAL_TEMPLATES.reduce((sum, template) => sum + template.weight, 0);

function chooseTemplate(random: Random, region: string): Template {
  const [templates, total] = region === 'us-east-1' ? [GLOBAL_TEMPLATES, TOTAL_WEIGHT] : [REGIONAL_TEMPLATES, REGIONAL_WEIGHT];
  let ticket = random() * total;
  for (const template of templates) {
    ticket -= template.weight;
    if (ticket < 0) return template;
  }
  return templates[0] as Template;
}

function identity(random: Random, account: string, template: Template): Record<string, unknown> {
  if (template.service !== undefined && random() < 0.7) return { type: 'AWSService', invokedBy: template.service };
  if (template.name === 'ConsoleLogin' || random() < 0.25) {
    const user = pick(random, USERS);
    return {
      type: 'IAMUser',
      principalId: `AIDA${Math.floor(random() * 1e12)}EXAMPLE`,
      arn: `arn:aws:iam::${account}:user/${user}`,
      accountId: account,
      accessKeyId: `AKIA${Math.floor(random() * 1e12)}EXAMPLE`,
      userName: user,
    };
  }
  const role = pick(random, ROLES);
  const session = `${role.toLowerCase()}-${Math.floor(random() * 1e6)}`;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${role.toUpperCase()}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${Math.floor(random() * 1e12)}EXAMPLE`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${role.toUpperCase()}`,
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-11-02T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

function syntheticRecord(random: Random, account: string, region: string, time: number): Record<string, unknown> {
  const template = chooseTemplate(random, region);
  const who = identity(random, account, template);
  const failed = random() < (template.failureRate ?? 0.02);
  const service = who['type'] === 'AWSService';
  const host = `${template.source.split('.')[0] ?? 'sts'}.${template.global === true ? 'amazonaws.com' : `${region}.amazonaws.com`}`;
  return {
    eventVersion: '1.09',
    userIdentity: who,
    eventTime: new Date(time).toISOString().replace('.000Z', 'Z'),
    eventSource: template.source,
    eventName: template.name,
    awsRegion: template.global === true ? 'us-east-1' : region,
    sourceIPAddress: service ? (who['invokedBy'] as string) : `203.0.113.${Math.floor(random() * 254) + 1}`,
    userAgent: service
      ? (who['invokedBy'] as string)
      : pick(random, [
          'aws-cli/2.17.5 md/awscrt#0.20.11 ua/2.0 os/linux#6.1',
          'Boto3/1.34.100 md/Botocore#1.34.100 ua/2.0 os/linux',
          'aws-sdk-js/3.600.0 ua/2.1 os/linux lang/js md/nodejs#20.15.0',
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15',
        ]),
    ...(failed
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: ${String(who['arn'] ?? 'unknown')} is not authorized to perform: ${template.source.split('.')[0]}:${template.name}`,
        }
      : {}),
    requestParameters: template.request?.(random, account, region) ?? null,
    responseElements: failed ? null : (template.response?.(random, account) ?? null),
    ...(template.name === 'ConsoleLogin'
      ? { additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: random() < 0.8 ? 'Yes' : 'No' } }
      : {}),
    requestID: uuid(random),
    eventID: uuid(random),
    readOnly: template.readOnly,
    eventType: template.name === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    ...(service ? {} : { tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host } }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [directory, count, seed] = process.argv.slice(2);
  const records = Number(count);
  if (directory === undefined || !Number.isInteger(records) || records < 0) {
    process.stderr.write('usage: node bin/run-ts.js bench/corpus.ts DIR RECORDS [SEED]\n');
    process.exit(64);
  }
  const started = performance.now();
  const corpus = await writeCorpus(directory, records, seed === undefined ? {} : { seed: Number(seed) });
  process.stdout.write(`${JSON.stringify({ ...corpus, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) })}\n`);
}
