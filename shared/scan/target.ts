import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Environment } from '../config/settings.js';
import type { ScanClientConfig } from './reader.js';

/** The account a scan reads, who reads it, and where. */
export interface ScanTarget {
  readonly account: string;
  readonly partition: string;
  /** The principal scanning (its ARN). */
  readonly caller: string;
  /** Where the events of global services (IAM) arrive, so their findings are recorded in the same region. */
  readonly globalRegion: string;
  readonly regions: readonly string[];
}

/** Every call `discoverTarget` can make (sts:GetCallerIdentity needs no permission, but is named all the same). */
export const TARGET_PERMISSIONS = ['sts:GetCallerIdentity', 'ec2:DescribeRegions'] as const;

/** Per partition, the region CloudTrail records IAM's (global) events in. */
const GLOBAL_REGIONS: Readonly<Record<string, string>> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' };

/** SDK attempts per call: the standard retry mode backs off with jitter, throttling included. */
const MAX_ATTEMPTS = 10;

/**
 * Client settings from the environment: the standard credential chain and endpoint variables apply
 * (the SDK reads them itself); a custom endpoint (an emulator) also gets S3's path-style addressing,
 * since bucket names cannot be prepended to a loopback address.
 */
export function scanClientConfigFrom(env: Environment): Omit<ScanClientConfig, 'region'> {
  const customEndpoint = (env['AWS_ENDPOINT_URL'] ?? env['AWS_ENDPOINT_URL_S3'] ?? '') !== '';
  return { maxAttempts: MAX_ATTEMPTS, retryMode: 'standard', ...(customEndpoint ? { forcePathStyle: true } : {}) };
}

/**
 * Who is scanning which account (STS GetCallerIdentity) and which regions: `regions` when given, else
 * every region enabled for the account (EC2 DescribeRegions lists only those). Throws when either call
 * fails: without them there is nothing to scan.
 */
export async function discoverTarget(clientConfig: ScanClientConfig, regions?: readonly string[]): Promise<ScanTarget> {
  const sts = new STSClient(clientConfig);
  const ec2 = regions === undefined ? new EC2Client(clientConfig) : undefined;
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined || identity.Arn === undefined) throw new Error('STS GetCallerIdentity named no account');
    const partition = identity.Arn.split(':')[1] ?? 'aws';
    const enabled = regions ?? (ec2 === undefined ? [] : await enabledRegions(ec2));
    return { account: identity.Account, partition, caller: identity.Arn, globalRegion: GLOBAL_REGIONS[partition] ?? clientConfig.region, regions: enabled };
  } finally {
    sts.destroy();
    ec2?.destroy();
  }
}

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  try {
    const { Regions: found = [] } = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    return found.flatMap((region) => (region.RegionName === undefined ? [] : [region.RegionName])).sort();
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    throw new Error(`cannot list the enabled regions (ec2:DescribeRegions: ${code}); name the regions to scan instead (--regions)`, { cause: error });
  }
}
