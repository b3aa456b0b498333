import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import type { DetectionContext } from '../../shared/detections/detection.js';
import type { FieldLogger } from '../../shared/logging/logger.js';
import { silentLogger } from '../../shared/logging/logger.js';
import type { ScanReport, StateReader } from '../../shared/scan/reader.js';
import { scanAccount } from '../../shared/scan/scan.js';
import type { MotoServer } from '../support/moto.js';

/** The account moto serves. */
export const SCAN_ACCOUNT = '123456789012';

/** One reader's scan of the moto account, as the auditor user. */
export function scanWithMoto(
  moto: MotoServer,
  reader: StateReader,
  options: { context: DetectionContext; regions?: readonly string[]; logger?: FieldLogger; maxAttempts?: number; forcePathStyle?: boolean },
): Promise<ScanReport> {
  return scanAccount(
    {
      account: SCAN_ACCOUNT,
      caller: `arn:aws:iam::${SCAN_ACCOUNT}:user/auditor`,
      partition: 'aws',
      regions: options.regions ?? ['us-east-1'],
      globalRegion: 'us-east-1',
      readers: [reader],
      clientConfig: {
        endpoint: moto.endpoint,
        credentials: moto.credentials,
        maxAttempts: options.maxAttempts ?? 2,
        retryMode: 'standard',
        ...(options.forcePathStyle === true ? { forcePathStyle: true } : {}),
      },
    },
    { context: options.context, logger: options.logger ?? silentLogger },
  );
}

/** What a report found, in a stable order: rule, resource, scope, severity (and region). */
export function foundIn(report: ScanReport, { withRegion = true } = {}): string[] {
  return report.detected.map((item) => [item.ruleId, item.resource, item.scope ?? '-', item.severity, ...(withRegion ? [item.region] : [])].join(' ')).sort();
}

/** A successful call by an administrator, as CloudTrail logs it: what the event path would see. */
export function loggedCall(
  eventSource: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  { region = 'us-east-1', responseElements = null }: { region?: string; responseElements?: Record<string, unknown> | null } = {},
): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventID: `event-${eventName}-${JSON.stringify(requestParameters)}`,
    eventTime: '2024-05-01T12:00:00Z',
    eventSource,
    eventName,
    awsRegion: region,
    recipientAccountId: SCAN_ACCOUNT,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${SCAN_ACCOUNT}:user/admin`, accountId: SCAN_ACCOUNT, userName: 'admin' },
    sourceIPAddress: '198.51.100.7',
    requestParameters,
    responseElements,
  };
}
