/**
 * The demo trail `npm start` replays: one day of an ordinary account (a few hundred routine events)
 * with an attack story woven in. Deterministic, so the committed files can be checked for staleness:
 *   node bin/run-ts.js scripts/demo-trail.ts        (rewrites demo/trail/)
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const DEMO_ACCOUNT = '111122223333';
/** The attacker's own account, and a partner the demo's config file trusts. */
const OUTSIDE_ACCOUNT = '999988887777';
const TRUSTED_PARTNER_ACCOUNT = '444455556666';
export const DEMO_TRAIL_DIR = fileURLToPath(new URL('../demo/trail/', import.meta.url));
const DAY = '2026-11-20';

type Record = { [key: string]: unknown };

/** A small seeded generator (mulberry32): the same trail every time. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261120;
let random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (length: number): string => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;

const userIdentity = (userName: string, accessKeyId: string, mfa = 'false'): Record => ({
  type: 'IAMUser',
  principalId: `AIDA${hex(16).toUpperCase()}`,
  arn: `arn:aws:iam::${DEMO_ACCOUNT}:user/${userName}`,
  accountId: DEMO_ACCOUNT,
  accessKeyId,
  userName,
  sessionContext: { attributes: { creationDate: `${DAY}T00:00:00Z`, mfaAuthenticated: mfa } },
});

const roleSession = (role: string, session: string): Record => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLE${role.toUpperCase().slice(0, 8)}:${session}`,
  arn: `arn:aws:sts::${DEMO_ACCOUNT}:assumed-role/${role}/${session}`,
  accountId: DEMO_ACCOUNT,
  accessKeyId: `ASIA${hex(16).toUpperCase()}`,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: `AROAEXAMPLE${role.toUpperCase().slice(0, 8)}`,
      arn: `arn:aws:iam::${DEMO_ACCOUNT}:role/${role}`,
      accountId: DEMO_ACCOUNT,
      userName: role,
    },
    attributes: { creationDate: `${DAY}T00:00:00Z`, mfaAuthenticated: 'false' },
  },
});

const ROOT = {
  type: 'Root',
  principalId: DEMO_ACCOUNT,
  arn: `arn:aws:iam::${DEMO_ACCOUNT}:root`,
  accountId: DEMO_ACCOUNT,
  accessKeyId: 'ASIAROOTSESSION00001',
  sessionContext: { attributes: { creationDate: `${DAY}T03:40:00Z`, mfaAuthenticated: 'false' } },
};
const ALICE = userIdentity('alice', 'ASIAALICECONSOLE0001', 'true');
const BUILD_BOT = userIdentity('build-bot', 'AKIABUILDBOTKEY00001');
const ATTACKER_IP = '198.51.100.77';
const ATTACKER_AGENT = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu';

function event(time: string, identity: Record, eventSource: string, eventName: string, fields: Record = {}): Record {
  const global = ['iam.amazonaws.com', 'signin.amazonaws.com', 'sts.amazonaws.com'].includes(eventSource);
  const readOnly = /^(Get|List|Describe|Lookup|Head)/.test(eventName);
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time,
    eventSource,
    eventName,
    awsRegion: global ? 'us-east-1' : 'eu-west-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-sdk-java/2.25.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17',
    requestParameters: null,
    responseElements: null,
    requestID: uuid(),
    eventID: uuid(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: DEMO_ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  };
}

const attacker = { sourceIPAddress: ATTACKER_IP, userAgent: ATTACKER_AGENT };

/** The story, in order: a leaked CI key used to build a backdoor, then the root user abused. */
function attackStory(): Record[] {
  const t = (clock: string): string => `${DAY}T${clock}Z`;
  return [
    event(t('02:13:05'), BUILD_BOT, 'sts.amazonaws.com', 'GetCallerIdentity', { ...attacker, readOnly: true }),
    event(t('02:14:40'), BUILD_BOT, 'iam.amazonaws.com', 'CreateUser', {
      ...attacker,
      requestParameters: { userName: 'svc-backup' },
      responseElements: {
        user: {
          userName: 'svc-backup',
          path: '/',
          userId: 'AIDASVCBACKUP0000001',
          arn: `arn:aws:iam::${DEMO_ACCOUNT}:user/svc-backup`,
          createDate: 'Nov 20, 2026 2:14:40 AM',
        },
      },
    }),
    event(t('02:15:12'), BUILD_BOT, 'iam.amazonaws.com', 'AttachUserPolicy', {
      ...attacker,
      requestParameters: { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
    event(t('02:15:50'), BUILD_BOT, 'iam.amazonaws.com', 'CreateAccessKey', {
      ...attacker,
      requestParameters: { userName: 'svc-backup' },
      responseElements: { accessKey: { userName: 'svc-backup', accessKeyId: 'AKIASVCBACKUPKEY0001', status: 'Active', createDate: 'Nov 20, 2026 2:15:50 AM' } },
    }),
    event(t('02:17:31'), BUILD_BOT, 'iam.amazonaws.com', 'PutRolePolicy', {
      ...attacker,
      requestParameters: {
        roleName: 'lambda-image-resizer',
        policyName: 'maintenance',
        policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Maintenance', Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }),
      },
    }),
    // A failed attempt changes nothing and raises nothing.
    event(t('02:19:02'), BUILD_BOT, 'iam.amazonaws.com', 'DeactivateMFADevice', {
      ...attacker,
      requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${DEMO_ACCOUNT}:mfa/alice-phone` },
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:iam::${DEMO_ACCOUNT}:user/build-bot is not authorized to perform: iam:DeactivateMFADevice`,
    }),
    event(t('02:21:44'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 'iam.amazonaws.com', 'DeactivateMFADevice', {
      ...attacker,
      requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${DEMO_ACCOUNT}:mfa/alice-phone` },
    }),
    event(t('02:25:09'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 's3.amazonaws.com', 'PutBucketPolicy', {
      ...attacker,
      requestParameters: {
        bucketName: 'acme-customer-exports',
        Host: 'acme-customer-exports.s3.eu-west-1.amazonaws.com',
        policy: '',
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-customer-exports/*' }],
        },
      },
    }),
    event(t('02:26:30'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 's3.amazonaws.com', 'PutBucketAcl', {
      ...attacker,
      requestParameters: {
        bucketName: 'acme-static-assets',
        Host: 'acme-static-assets.s3.eu-west-1.amazonaws.com',
        acl: '',
        'x-amz-acl': ['public-read-write'],
      },
    }),
    // A way back in that survives a key reset: a role the attacker's own account can assume.
    event(t('02:28:47'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 'iam.amazonaws.com', 'UpdateAssumeRolePolicy', {
      ...attacker,
      requestParameters: {
        roleName: 'ops-break-glass',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': 'ops-2026' } },
            },
          ],
        }),
      },
    }),
    // The database disk, shared with the attacker's account.
    event(t('02:31:20'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 'ec2.amazonaws.com', 'ModifySnapshotAttribute', {
      ...attacker,
      requestParameters: {
        snapshotId: 'snap-0db5a1e2c3d4f5061',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { add: { items: [{ userId: OUTSIDE_ACCOUNT }] } },
      },
      responseElements: { requestId: uuid(), _return: true },
    }),
    // Denied, and still worth knowing: someone tried to switch GuardDuty off.
    event(t('02:33:05'), userIdentity('svc-backup', 'AKIASVCBACKUPKEY0001'), 'guardduty.amazonaws.com', 'DeleteDetector', {
      ...attacker,
      requestParameters: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' },
      errorCode: 'AccessDeniedException',
      errorMessage: `User: arn:aws:iam::${DEMO_ACCOUNT}:user/svc-backup is not authorized to perform: guardduty:DeleteDetector because of an explicit deny in a service control policy`,
    }),
    event(t('03:41:15'), ROOT, 'signin.amazonaws.com', 'ConsoleLogin', {
      ...attacker,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      eventType: 'AwsConsoleSignIn',
      readOnly: false,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    }),
    event(t('03:43:58'), ROOT, 'iam.amazonaws.com', 'CreateAccessKey', {
      ...attacker,
      userAgent: 'AWS Internal',
      responseElements: { accessKey: { accessKeyId: 'AKIAROOTKEY000000001', status: 'Active', createDate: 'Nov 20, 2026 3:43:58 AM' } },
    }),
    // The owner notices in the morning and re-enables her MFA: the finding resolves itself.
    event(t('09:05:12'), ALICE, 'iam.amazonaws.com', 'EnableMFADevice', {
      userAgent: 'AWS Internal',
      requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${DEMO_ACCOUNT}:mfa/alice-phone` },
    }),
  ];
}

/** Look-alikes that must stay silent: scoped grants, a service principal, root acting for a user. */
function lookAlikes(): Record[] {
  const t = (clock: string): string => `${DAY}T${clock}Z`;
  const deployer = roleSession('Deployer', 'github-actions');
  return [
    event(t('10:12:00'), deployer, 'iam.amazonaws.com', 'PutRolePolicy', {
      requestParameters: {
        roleName: 'lambda-image-resizer',
        policyName: 'read-uploads',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-uploads/*' }],
        }),
      },
    }),
    event(t('10:14:00'), deployer, 's3.amazonaws.com', 'PutBucketPolicy', {
      requestParameters: {
        bucketName: 'acme-cloudtrail-logs',
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AWSCloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/${DEMO_ACCOUNT}/*`,
              Condition: { StringEquals: { 'aws:SourceAccount': DEMO_ACCOUNT } },
            },
          ],
        },
      },
    }),
    // Shared with the partner account that demo/warden.config.json trusts.
    event(t('10:20:00'), deployer, 'ec2.amazonaws.com', 'ModifySnapshotAttribute', {
      requestParameters: {
        snapshotId: 'snap-0a9b8c7d6e5f40312',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { add: { items: [{ userId: TRUSTED_PARTNER_ACCOUNT }] } },
      },
      responseElements: { requestId: uuid(), _return: true },
    }),
    event(t('11:30:00'), deployer, 'iam.amazonaws.com', 'AttachRolePolicy', {
      requestParameters: { roleName: 'lambda-image-resizer', policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
    }),
  ];
}

const ROUTINE: readonly [string, string][] = [
  ['sts.amazonaws.com', 'AssumeRole'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
  ['s3.amazonaws.com', 'ListBuckets'],
  ['s3.amazonaws.com', 'GetBucketLocation'],
  ['logs.amazonaws.com', 'DescribeLogGroups'],
  ['logs.amazonaws.com', 'CreateLogStream'],
  ['lambda.amazonaws.com', 'ListFunctions20150331'],
  ['iam.amazonaws.com', 'ListRoles'],
  ['iam.amazonaws.com', 'GetRole'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['ec2.amazonaws.com', 'CreateTags'],
  ['monitoring.amazonaws.com', 'PutMetricAlarm'],
  ['cloudformation.amazonaws.com', 'DescribeStacks'],
  ['ssm.amazonaws.com', 'GetParameter'],
];

function routineDay(count: number): Record[] {
  const identities = [
    roleSession('Deployer', 'github-actions'),
    roleSession('lambda-image-resizer', 'resizer'),
    ALICE,
    roleSession('AWSServiceRoleForECS', 'ecs'),
  ];
  return Array.from({ length: count }, (_, index) => {
    const seconds = Math.floor((index / count) * 86_000);
    const clock = new Date(Date.parse(`${DAY}T00:00:00Z`) + seconds * 1000).toISOString().replace('.000Z', 'Z');
    const [source, name] = pick(ROUTINE);
    return event(clock, pick(identities), source, name, source === 'ec2.amazonaws.com' ? { awsRegion: pick(['eu-west-1', 'us-east-1']) } : {});
  });
}

/** The whole day, in time order. */
export function demoRecords(): Record[] {
  random = seededRandom(SEED);
  return [...routineDay(320), ...attackStory(), ...lookAlikes()].sort((a, b) => String(a['eventTime']).localeCompare(String(b['eventTime'])));
}

/** CloudTrail's S3 layout: one gzip file per region and hour, `{"Records":[...]}`. */
export function demoFiles(records: readonly Record[]): Map<string, Record[]> {
  const files = new Map<string, Record[]>();
  for (const record of records) {
    const region = String(record['awsRegion']);
    const hour = String(record['eventTime']).slice(0, 13).replace(/[-:]/g, '');
    const path = join('AWSLogs', DEMO_ACCOUNT, 'CloudTrail', region, '2026', '11', '20', `${DEMO_ACCOUNT}_CloudTrail_${region}_${hour}00Z_demo.json.gz`);
    files.set(path, [...(files.get(path) ?? []), record]);
  }
  return files;
}

async function writeDemoTrail(): Promise<void> {
  await rm(DEMO_TRAIL_DIR, { recursive: true, force: true });
  for (const [path, records] of demoFiles(demoRecords())) {
    const target = join(DEMO_TRAIL_DIR, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, gzipSync(JSON.stringify({ Records: records }), { level: 9 }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeDemoTrail();
