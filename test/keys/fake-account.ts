/**
 * A small simulated account behind aws-sdk-client-mock: IAM users with keys, tags and groups, and
 * Secrets Manager secrets. What these tests check is the exact sequence of calls a rotation makes, so a
 * mock (aws-sdk-client-mock) stands in for the account where an emulator would hide the order; it keeps
 * just enough state to run several audits in a row, and every call is recorded in order.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CredentialReport, CredentialReportRow, ReportKey } from '../../shared/keys/credential-report.js';
import { ACCOUNT, noKey } from './helpers.js';

export interface FakeKey {
  id: string;
  status: 'Active' | 'Inactive';
  created: Date;
  lastUsed: Date | undefined;
}
export interface FakeUser {
  keys: FakeKey[];
  tags: Record<string, string>;
  groups: string[];
}

export class FakeAccount {
  // Real clients (the SDK paginators check the class), their send mocked per instance.
  readonly iamClient = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' } });
  readonly secretsManagerClient = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' } });
  readonly iam = mockClient(this.iamClient);
  readonly secretsManager = mockClient(this.secretsManagerClient);
  readonly users = new Map<string, FakeUser>();
  readonly secrets = new Map<string, { policy?: string; value?: string; tags: unknown; kmsKeyId?: string; replicaRegions?: string[] }>();
  /** Every call to either client, in order, as "Command user/key". */
  readonly log: string[] = [];
  /** Secret access keys handed out by CreateAccessKey. */
  readonly issuedSecrets: string[] = [];
  clock: Date;
  #counter = 0;

  constructor(now: Date) {
    this.clock = now;
    const page = <T>(items: T[], marker: string | undefined) => {
      // One item per page, so every caller must paginate.
      const start = marker === undefined ? 0 : Number(marker);
      const next = start + 1 < items.length ? String(start + 1) : undefined;
      return { items: items.slice(start, start + 1), IsTruncated: next !== undefined, Marker: next };
    };
    const user = (name: string | undefined): FakeUser => {
      const found = this.users.get(name ?? '');
      if (found === undefined) throw Object.assign(new Error(`no user ${name}`), { name: 'NoSuchEntityException' });
      return found;
    };
    this.iam.on(ListAccessKeysCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
      this.log.push(`ListAccessKeys ${input.UserName}${input.Marker ? ` marker=${input.Marker}` : ''}`);
      const { items, IsTruncated, Marker } = page(user(input.UserName).keys, input.Marker);
      return {
        AccessKeyMetadata: items.map((k) => ({ UserName: input.UserName, AccessKeyId: k.id, Status: k.status, CreateDate: k.created })),
        IsTruncated,
        Marker,
      };
    });
    this.iam.on(ListUserTagsCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
      this.log.push(`ListUserTags ${input.UserName}`);
      const { items, IsTruncated, Marker } = page(Object.entries(user(input.UserName).tags), input.Marker);
      return { Tags: items.map(([Key, Value]) => ({ Key, Value })), IsTruncated, Marker };
    });
    this.iam.on(ListGroupsForUserCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
      this.log.push(`ListGroupsForUser ${input.UserName}`);
      const { items, IsTruncated, Marker } = page(user(input.UserName).groups, input.Marker);
      return { Groups: items.map((GroupName) => ({ GroupName, GroupId: 'AGPA', Path: '/', Arn: 'arn', CreateDate: new Date(0) })), IsTruncated, Marker };
    });
    this.iam.on(CreateAccessKeyCommand).callsFake((input: { UserName?: string }) => {
      this.log.push(`CreateAccessKey ${input.UserName}`);
      const target = user(input.UserName);
      if (target.keys.length >= 2) throw Object.assign(new Error('Cannot exceed quota for AccessKeysPerUser: 2'), { name: 'LimitExceededException' });
      this.#counter += 1;
      const id = `AKIANEW${String(this.#counter).padStart(13, '0')}`;
      const secret = `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${String(this.#counter).padStart(10, '0')}`;
      this.issuedSecrets.push(secret);
      target.keys.push({ id, status: 'Active', created: new Date(this.clock.getTime() + 60_000), lastUsed: undefined });
      return { AccessKey: { UserName: input.UserName, AccessKeyId: id, Status: 'Active', SecretAccessKey: secret, CreateDate: this.clock } };
    });
    this.iam.on(UpdateAccessKeyCommand).callsFake((input: { UserName?: string; AccessKeyId?: string; Status?: string }) => {
      this.log.push(`UpdateAccessKey ${input.UserName}/${input.AccessKeyId} ${input.Status}`);
      const found = user(input.UserName).keys.find((k) => k.id === input.AccessKeyId);
      if (found === undefined) throw Object.assign(new Error('no key'), { name: 'NoSuchEntityException' });
      found.status = input.Status === 'Active' ? 'Active' : 'Inactive';
      return {};
    });
    this.iam.on(DeleteAccessKeyCommand).callsFake((input: { UserName?: string; AccessKeyId?: string }) => {
      this.log.push(`DeleteAccessKey ${input.UserName}/${input.AccessKeyId}`);
      const target = user(input.UserName);
      const before = target.keys.length;
      target.keys = target.keys.filter((k) => k.id !== input.AccessKeyId);
      if (target.keys.length === before) throw Object.assign(new Error('no key'), { name: 'NoSuchEntityException' });
      return {};
    });
    this.secretsManager.on(CreateSecretCommand).callsFake((input: { Name?: string; Tags?: unknown; SecretString?: string }) => {
      this.log.push(`CreateSecret ${input.Name}`);
      if (this.secrets.has(input.Name ?? '')) throw new ResourceExistsException({ message: 'exists', $metadata: {} });
      this.secrets.set(input.Name ?? '', { tags: input.Tags, value: input.SecretString });
      return { Name: input.Name, ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${input.Name}-abc123` };
    });
    this.secretsManager.on(DescribeSecretCommand).callsFake((input: { SecretId?: string }) => {
      this.log.push(`DescribeSecret ${input.SecretId}`);
      const secret = this.secrets.get(input.SecretId ?? '');
      if (secret === undefined) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return {
        Name: input.SecretId,
        KmsKeyId: secret.kmsKeyId,
        ReplicationStatus: secret.replicaRegions?.map((region) => ({ Region: region, Status: 'InSync' })),
      };
    });
    this.secretsManager.on(PutResourcePolicyCommand).callsFake((input: { SecretId?: string; ResourcePolicy?: string }) => {
      this.log.push(`PutResourcePolicy ${input.SecretId}`);
      const secret = this.secrets.get(input.SecretId ?? '');
      if (secret === undefined) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      secret.policy = input.ResourcePolicy;
      return {};
    });
    this.secretsManager.on(PutSecretValueCommand).callsFake((input: { SecretId?: string; SecretString?: string }) => {
      this.log.push(`PutSecretValue ${input.SecretId}`);
      const secret = this.secrets.get(input.SecretId ?? '');
      if (secret === undefined) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      secret.value = input.SecretString;
      return {};
    });
  }

  get clients() {
    return { iam: this.iamClient, secretsManager: this.secretsManagerClient };
  }

  addUser(name: string, keys: FakeKey[], tags: Record<string, string> = {}, groups: string[] = []): void {
    this.users.set(name, { keys, tags, groups });
  }

  /** The credential report as AWS would make it now: key slots in creation order. */
  report(generated: Date = this.clock): CredentialReport {
    const rows: CredentialReportRow[] = [...this.users.entries()].map(([name, user]) => {
      const slots = [...user.keys]
        .sort((a, b) => a.created.getTime() - b.created.getTime())
        .map(
          (k): ReportKey => ({
            active: k.status === 'Active',
            lastRotated: k.created,
            lastUsed: k.lastUsed,
            lastUsedRegion: k.lastUsed && 'us-east-1',
            lastUsedService: k.lastUsed && 's3',
          }),
        );
      return {
        user: name,
        arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
        isRoot: false,
        userCreationTime: new Date('2020-01-01T00:00:00Z'),
        consoleAccess: false,
        consoleLastUsed: undefined,
        consoleLastChanged: undefined,
        mfaActive: false,
        keys: [slots[0] ?? noKey, slots[1] ?? noKey],
      };
    });
    return { generatedTime: generated.toISOString(), rows };
  }

  /** The calls that changed something. */
  writes(): string[] {
    return this.log.filter((line) => !line.startsWith('List'));
  }
}
