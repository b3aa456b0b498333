import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { DetectionContext } from '../../shared/detections/detection.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { openFindingsStore } from '../../shared/findings/open.js';
import type { FindingsStore, OpenedFindingsStore } from '../../shared/findings/store.js';
import type { FieldLogger } from '../../shared/logging/logger.js';
import { silentLogger } from '../../shared/logging/logger.js';
import type { EquivalentChange, ScanClientConfig, ScanReport, StateReader, UnreadResource } from '../../shared/scan/reader.js';
import { scanAccount } from '../../shared/scan/scan.js';
import type { MotoServer } from '../support/moto.js';

/** The account moto serves. */
export const SCAN_ACCOUNT = '123456789012';

interface ScanOptions {
  readonly context: DetectionContext;
  readonly regions?: readonly string[];
  readonly logger?: FieldLogger;
}

/** One reader's scan of the moto account, as the auditor user. */
export function scanWithMoto(
  moto: MotoServer,
  reader: StateReader,
  options: ScanOptions & { maxAttempts?: number; forcePathStyle?: boolean },
): Promise<ScanReport> {
  return scanOne(
    reader,
    {
      endpoint: moto.endpoint,
      credentials: moto.credentials,
      maxAttempts: options.maxAttempts ?? 2,
      retryMode: 'standard',
      ...(options.forcePathStyle === true ? { forcePathStyle: true } : {}),
    },
    options,
  );
}

/** One reader's scan of the same account with the SDK mocked (aws-sdk-client-mock): static credentials, one attempt a call. */
export function scanWithMocks(reader: StateReader, options: ScanOptions): Promise<ScanReport> {
  return scanOne(reader, { credentials: MOCK_CREDENTIALS, maxAttempts: 1, retryMode: 'standard' }, options);
}

const MOCK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

function scanOne(reader: StateReader, clientConfig: Omit<ScanClientConfig, 'region'>, options: ScanOptions): Promise<ScanReport> {
  return scanAccount(
    {
      account: SCAN_ACCOUNT,
      caller: `arn:aws:iam::${SCAN_ACCOUNT}:user/auditor`,
      partition: 'aws',
      regions: options.regions ?? ['us-east-1'],
      globalRegion: 'us-east-1',
      readers: [reader],
      clientConfig,
    },
    { context: options.context, logger: options.logger ?? silentLogger },
  );
}

/** What a reader handed its sink in one read, in order. */
export interface SinkRecord {
  readonly observed: EquivalentChange[];
  readonly unread: UnreadResource[];
  /** Each `progress` count. */
  readonly progress: number[];
}

/** One reader's read of one region of the account with the SDK mocked, without the scan around it: what it handed its sink. */
export async function readWithMocks(
  reader: StateReader,
  { region = 'us-east-1', concurrency = 4, logger = silentLogger }: { region?: string; concurrency?: number; logger?: FieldLogger | undefined } = {},
): Promise<SinkRecord> {
  const record: SinkRecord = { observed: [], unread: [], progress: [] };
  await reader.read(
    {
      account: SCAN_ACCOUNT,
      partition: 'aws',
      region,
      clientConfig: { region, credentials: MOCK_CREDENTIALS, maxAttempts: 1, retryMode: 'standard' },
      concurrency,
      logger,
    },
    {
      observe: (change) => record.observed.push(change),
      unread: (resource) => record.unread.push(resource),
      saw() {},
      progress: (_kind, count) => record.progress.push(count),
    },
  );
  return record;
}

/** An error as the SDK throws it for an AWS error code: named by the code. */
export function awsError(code: string): Error {
  return Object.assign(new Error(`${code} (mocked)`), { name: code });
}

/**
 * A mocked call's answer that also keeps a copy of each input in `inputs`, as it was sent. The SDK's
 * paginators send one input object and move its token page after page, so the inputs `commandCalls`
 * holds all show the last page's token.
 */
export function keepingInputsIn<TInput extends object, TRest extends unknown[], TOutput>(
  inputs: TInput[],
  answer: (input: TInput, ...rest: TRest) => TOutput,
): (input: TInput, ...rest: TRest) => TOutput {
  return (input, ...rest) => {
    inputs.push({ ...input });
    return answer(input, ...rest);
  };
}

/**
 * SDK clients on moto, one per region (us-east-1 unless named), built on first use and destroyed after
 * the file's tests: `const ec2 = motoClients(moto, (config) => new EC2Client(config))`, then `ec2('eu-west-1').send(...)`.
 */
export function motoClients<TClient extends { destroy(): void }>(
  moto: MotoServer,
  create: (config: { region: string; endpoint: string; credentials: MotoServer['credentials'] }) => TClient,
): (region?: string) => TClient {
  const clients = new Map<string, TClient>();
  afterAll(() => {
    for (const client of clients.values()) client.destroy();
  });
  return (region = 'us-east-1') => {
    let client = clients.get(region);
    if (client === undefined) {
      client = create({ region, endpoint: moto.endpoint, credentials: moto.credentials });
      clients.set(region, client);
    }
    return client;
  };
}

/** An embedded findings store of the file's own, in a temporary folder: opened in beforeAll, closed and removed in afterAll. */
export function useFindingsStore(): { readonly store: FindingsStore } {
  let dir: string | undefined;
  let opened: OpenedFindingsStore | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-scan-'));
    opened = await openFindingsStore({ storeDir: dir });
  });
  afterAll(async () => {
    await opened?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get store(): FindingsStore {
      if (opened === undefined) throw new Error('findings store used before its beforeAll opened it');
      return opened.store;
    },
  };
}

/** Lets a second pass: a scan's times are whole seconds, and a scan resolves only findings last seen before it started. */
export function aSecondLater(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}

/** `ruleId findingId` of each detection the events raise, sorted: the findings the event path would give. */
export function findingIdsOfEvents(events: readonly CloudTrailRecord[], context: DetectionContext): string[] {
  const engine = new DetectionEngine(catalogue, context);
  return events.flatMap((record) => engine.evaluate(record).detected.map((item) => `${item.ruleId} ${item.findingId}`)).sort();
}

/** `ruleId findingId` of each detection of a scan, sorted. */
export function findingIdsOfScan(report: ScanReport): string[] {
  return report.detected.map((item) => `${item.ruleId} ${item.findingId}`).sort();
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
