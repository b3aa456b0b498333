import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { awsErrorCode } from '../read-resource.js';
import type { StateReader } from '../reader.js';

const SECURITYHUB_DISABLED = 'securityhub-disabled';

/**
 * Errors DescribeHub answers when the region has no hub: Security Hub is not enabled for the account
 * (InvalidAccessException, also its answer when the account may not use it), or no hub was found.
 */
const NO_HUB = new Set(['InvalidAccessException', 'ResourceNotFoundException']);

/**
 * Whether Security Hub is enabled in one region (its hub, one per account and region, always named
 * "default"). It never raises: a region without a hub looks the same whether Security Hub was
 * disabled there or never enabled. So the rule is reconciled only on a hub the read saw: a hub that
 * exists resolves the finding of a DisableSecurityHub, as EnableSecurityHub would, and where there is
 * none the finding stays open.
 */
export const securityhubReader: StateReader = {
  id: 'securityhub',
  reach: 'regional',
  ruleIds: [SECURITYHUB_DISABLED],
  permissions: ['securityhub:DescribeHub'],
  reconcilesOnlySeen: [SECURITYHUB_DISABLED],

  async read(target, sink) {
    const client = new SecurityHubClient(target.clientConfig);
    try {
      await client.send(new DescribeHubCommand({}));
      sink.saw(`arn:${target.partition}:securityhub:${target.region}:${target.account}:hub/default`);
      sink.progress('hubs', 1);
    } catch (error) {
      if (!NO_HUB.has(awsErrorCode(error))) throw error;
    } finally {
      client.destroy();
    }
  },
};
