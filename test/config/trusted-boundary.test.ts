import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORGANIZATION_REFRESH_MS, TrustedBoundarySource } from '../../shared/config/organization-boundary.js';
import { readWardenConfig, trustedBoundaryFromEnvironment } from '../../shared/config/trusted-boundary.js';
import { accountOfPrincipal, ONLY_OWN_ACCOUNT, parseTrustedList } from '../../shared/policy/boundary.js';
import { memoryLogger } from '../support/memory-logger.js';

describe('the trusted list', () => {
  it('reads account ids and organization ids, separated by commas or spaces', () => {
    const boundary = parseTrustedList('444455556666, o-a1b2c3d4e5 777788889999', 'setting');
    expect([...boundary.accounts]).toEqual(['444455556666', '777788889999']);
    expect([...boundary.organizations]).toEqual(['o-a1b2c3d4e5']);
  });

  it('refuses anything else, naming the setting and the entry', () => {
    expect(() => parseTrustedList('444455556666,arn:aws:iam::444455556666:root', 'setting TRUSTED_ACCOUNTS')).toThrow(
      'setting TRUSTED_ACCOUNTS: "arn:aws:iam::444455556666:root" is neither a 12-digit account id nor an organization id (o-...)',
    );
  });

  it('reads TRUSTED_ACCOUNTS, and trusts only the account itself without it', () => {
    expect(trustedBoundaryFromEnvironment({})).toBe(ONLY_OWN_ACCOUNT);
    expect([...trustedBoundaryFromEnvironment({ TRUSTED_ACCOUNTS: '444455556666' }).accounts]).toEqual(['444455556666']);
    expect(() => trustedBoundaryFromEnvironment({ TRUSTED_ACCOUNTS: 'everyone' })).toThrow(/TRUSTED_ACCOUNTS/);
  });

  it.each([
    ['444455556666', '444455556666'],
    ['arn:aws:iam::444455556666:root', '444455556666'],
    ['arn:aws:iam::444455556666:role/vendor', '444455556666'],
    ['arn:aws:sts::444455556666:assumed-role/vendor/session', '444455556666'],
    ['arn:aws-us-gov:iam::444455556666:user/a', '444455556666'],
    ['ec2.amazonaws.com', undefined],
    ['arn:aws:s3:::bucket', undefined],
    ['4444', undefined],
  ])('finds the account of principal %s', (principal, account) => {
    expect(accountOfPrincipal(principal)).toBe(account);
  });
});

describe('the config file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const write = async (content: string) => {
    const path = join(dir, 'warden.config.json');
    await writeFile(path, content);
    return path;
  };

  it('reads trustedAccounts', async () => {
    const config = await readWardenConfig(await write('{"trustedAccounts": ["444455556666", "o-a1b2c3d4e5"]}'), { required: true });
    expect([...(config?.trustedAccounts?.accounts ?? [])]).toEqual(['444455556666']);
    expect([...(config?.trustedAccounts?.organizations ?? [])]).toEqual(['o-a1b2c3d4e5']);
  });

  it('is optional only where it was not asked for', async () => {
    expect(await readWardenConfig(join(dir, 'absent.json'), { required: false })).toBeUndefined();
    await expect(readWardenConfig(join(dir, 'absent.json'), { required: true })).rejects.toThrow(/cannot read config file/);
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    ['not an object', '[]', /must hold a JSON object/],
    ['an unknown key', '{"trusted": []}', /unknown key trusted \(known: trustedAccounts\)/],
    ['a list of numbers', '{"trustedAccounts": [444455556666]}', /must be a list of account ids/],
    ['a bad id', '{"trustedAccounts": ["44445555666"]}', /"44445555666" is neither/],
  ])('refuses %s', async (_name, content, message) => {
    await expect(readWardenConfig(await write(content), { required: true })).rejects.toThrow(message);
  });
});

describe('TrustedBoundarySource', () => {
  const organizations = mockClient(OrganizationsClient);
  afterEach(() => organizations.reset());
  const configured = parseTrustedList('777788889999', 'test');

  const memberAccounts = () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5' } });
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: '111122223333' }], NextToken: 'page-2' })
      .resolves({ Accounts: [{ Id: '444455556666' }] });
  };

  it('trusts the configured accounts only, with no call, when the organization is not read', async () => {
    const source = new TrustedBoundarySource(configured, undefined);
    expect(await source.current()).toBe(configured);
    expect(organizations.calls()).toHaveLength(0);
  });

  it('adds every member account (all pages) and the organization, read once a day', async () => {
    memberAccounts();
    let now = 0;
    const source = new TrustedBoundarySource(configured, { client: new OrganizationsClient({}), logger: memoryLogger().logger }, () => now);

    const boundary = await source.current();
    await source.current();
    expect([...boundary.accounts].sort()).toEqual(['111122223333', '444455556666', '777788889999']);
    expect([...boundary.organizations]).toEqual(['o-a1b2c3d4e5']);
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(1);

    now = ORGANIZATION_REFRESH_MS;
    await source.current();
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(2);
  });

  it('keeps the configured boundary and logs when the organization cannot be read, and does not retry per event', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('not in an organization'), { name: 'AWSOrganizationsNotInUseException' }));
    const { logger, lines } = memoryLogger();
    const source = new TrustedBoundarySource(configured, { client: new OrganizationsClient({}), logger }, () => 0);

    expect(await source.current()).toBe(configured);
    expect(await source.current()).toBe(configured);
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(1);
    expect(lines().map((line) => line['msg'])).toEqual(['could not read the AWS Organization; trusting the configured accounts only']);
  });
});
