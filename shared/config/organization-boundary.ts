import { DescribeOrganizationCommand, OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { FieldLogger } from '../logging/logger.js';
import { oneOfSetting, type Environment } from './settings.js';
import { trustedBoundaryFromEnvironment } from './trusted-boundary.js';
import { mergeBoundaries, type TrustBoundary } from '../policy/boundary.js';

/** How long a looked-up organization is trusted before it is read again. */
export const ORGANIZATION_REFRESH_MS = 24 * 60 * 60 * 1000;
/** After a failed lookup, how long to wait before trying again (never a call per event). */
const RETRY_AFTER_FAILURE_MS = 60 * 60 * 1000;

/** The organization and its member accounts, as one boundary. */
export async function organizationBoundary(client: OrganizationsClient): Promise<TrustBoundary> {
  const { Organization } = await client.send(new DescribeOrganizationCommand({}));
  const accounts = new Set<string>();
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) if (account.Id !== undefined) accounts.add(account.Id);
  }
  return { accounts, organizations: new Set(Organization?.Id === undefined ? [] : [Organization.Id]) };
}

/**
 * The boundary a deployed function uses: the configured accounts, plus, when the stack may read the
 * AWS Organization, every member account and the organization itself. The organization is read at
 * most once a day (and once an hour after a failure, keeping what was known before), never per
 * event; a failure is logged and the configured boundary still applies.
 */
export class TrustedBoundarySource {
  private known: TrustBoundary | undefined;
  private nextRefreshAt = 0;

  constructor(
    private readonly configured: TrustBoundary,
    private readonly organization: { client: OrganizationsClient; logger: FieldLogger } | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<TrustBoundary> {
    if (this.organization === undefined) return this.configured;
    if (this.now() >= this.nextRefreshAt) {
      try {
        this.known = mergeBoundaries(this.configured, await organizationBoundary(this.organization.client));
        this.nextRefreshAt = this.now() + ORGANIZATION_REFRESH_MS;
      } catch (error) {
        this.organization.logger.warn({ err: error }, 'could not read the AWS Organization; trusting the configured accounts only');
        this.nextRefreshAt = this.now() + RETRY_AFTER_FAILURE_MS;
      }
    }
    return this.known ?? this.configured;
  }
}

/**
 * The boundary the stack's settings give a deployed function: TRUSTED_ACCOUNTS, and the AWS
 * Organization's accounts when TRUST_ORGANIZATION is true (the stack then grants the lookup).
 */
export function trustedBoundarySourceFromEnvironment(env: Environment, logger: FieldLogger): TrustedBoundarySource {
  const trustOrganization = oneOfSetting(env, 'TRUST_ORGANIZATION', ['true', 'false'], 'false') === 'true';
  return new TrustedBoundarySource(trustedBoundaryFromEnvironment(env), trustOrganization ? { client: new OrganizationsClient({}), logger } : undefined);
}
