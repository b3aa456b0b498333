/**
 * State readers: how `warden scan` and the scheduled reconcile see risks that already exist.
 *
 * A reader never judges a risk. It reads the account's current state and presents each piece as the
 * change that would make it (a role's trust document as the CreateRole that would create it, a
 * bucket's policy as a PutBucketPolicy). The scan runs the catalogue's own detections over those
 * changes, so a scanned finding gets the rule id, resource, scope and hence the finding id that the
 * event would give: an event later resolves a scanned finding, and a scan resolves an event's finding
 * whose risk is gone.
 *
 * Readers are listed explicitly in `readers/catalogue.ts` (one file each under `readers/`).
 */
import type { Detected } from '../findings/finding.js';
import type { FieldLogger } from '../logging/logger.js';

/** Whether a reader reads once per account (IAM, whose events arrive in us-east-1) or once per region. */
export type ReaderReach = 'global' | 'regional';

export interface StateReader {
  /** Short and stable, shown in progress and problems: `iam`, `s3`, `ec2`. */
  readonly id: string;
  readonly reach: ReaderReach;
  /**
   * The rules whose risks it reads. A scan reconciles exactly these rules' open findings, in the
   * account and region (for a global reader: every region) it read completely; a rule listed by no
   * reader is never reconciled.
   */
  readonly ruleIds: readonly string[];
  /**
   * Every AWS action its read can call (`iam:GetAccountAuthorizationDetails`): the reconcile role is
   * granted exactly the union of these, and a test checks the code calls nothing else.
   */
  readonly permissions: readonly string[];
  /**
   * Rules whose findings are reconciled only on the resources this read saw (`sink.saw`): a finding
   * on a resource that is gone stays as it is. A deleted trail is the case: its absence says nothing
   * about whether the account is logging, so the "trail deleted" finding must not close itself.
   */
  readonly reconcilesOnlySeen?: readonly string[];
  /**
   * Reads one account (and, for a regional reader, one region) and hands each state to `sink`.
   * Paginates every list, calls per resource through `mapBounded` (concurrency.ts) with
   * `target.concurrency`, and leaves throttling to the SDK's retries (`target.clientConfig`).
   *
   * A resource it cannot read (access denied on one bucket, deleted mid-scan) goes to `sink.unread`
   * and the read goes on. Throwing means the whole read failed (the region is disabled, the list call
   * was denied): the scan reports it, exits 2, and reconciles nothing this reader would have covered
   * there.
   */
  read(target: ReadTarget, sink: StateSink): Promise<void>;
}

/** What a read addresses and how it reaches AWS. */
export interface ReadTarget {
  /** The account scanned (from STS GetCallerIdentity). */
  readonly account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: for ARNs a reader builds. */
  readonly partition: string;
  /** The region read; for a global reader, the region its events arrive in (`us-east-1` in `aws`). */
  readonly region: string;
  /** Settings for any SDK client the read builds (`new S3Client(target.clientConfig)`); destroy it after. */
  readonly clientConfig: ScanClientConfig;
  /** At most this many calls per resource in flight at once (per reader and region). */
  readonly concurrency: number;
  readonly logger: FieldLogger;
}

/**
 * Configuration every SDK v3 client accepts (plus S3's addressing). The standard credential chain and
 * the endpoint variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`) apply when a field is absent.
 */
export interface ScanClientConfig {
  readonly region: string;
  /** An emulator (moto) in tests; absent in production. */
  readonly endpoint?: string;
  /** Static credentials (an emulator's); absent: the standard chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** SDK attempts per call: the standard retry mode backs off (with jitter) on throttling. */
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
  /** S3 only: path-style addressing, which a loopback endpoint needs. */
  readonly forcePathStyle?: boolean;
}

/**
 * A state seen, presented as the successful CloudTrail call that would make it. The scan adds the
 * rest of the record (event id and time, account, region, the scan as the caller) and runs the
 * detections listening to `eventSource`/`eventName`, keeping only the matches of the reader's rules.
 * Fields are as CloudTrail logs them (camelCase `requestParameters`, policy documents as JSON strings
 * where CloudTrail writes strings), so the rule reads them exactly as it reads the event.
 */
export interface EquivalentChange {
  readonly eventSource: string;
  readonly eventName: string;
  readonly requestParameters?: Readonly<Record<string, unknown>>;
  readonly responseElements?: Readonly<Record<string, unknown>>;
  /** When the change belongs to another region than the target's (rare: a global reader's regional resource). */
  readonly awsRegion?: string;
}

/** A resource whose state could not be read: the findings of `ruleIds` (default: all the reader's) on it are left as they are. */
export interface UnreadResource {
  /** Exactly as the rules name it (the ARN a finding carries). */
  readonly resource: string;
  readonly ruleIds?: readonly string[];
  /** The AWS error code or a short phrase. */
  readonly reason: string;
}

/** Where a read puts what it sees. Calls may come from concurrent tasks. */
export interface StateSink {
  observe(change: EquivalentChange): void;
  unread(resource: UnreadResource): void;
  /** This resource exists and was read (only needed for the reader's `reconcilesOnlySeen` rules). */
  saw(resource: string): void;
  /** `count` more resources of `kind` (`roles`, `buckets`) were read: progress on a terminal. */
  progress(kind: string, count: number): void;
}

// ---------------------------------------------------------------------------------------------
// The scan runner (scan.ts) and its report.

/** One scan: which account, which regions, which readers. */
export interface ScanRequest {
  readonly account: string;
  /** The principal scanning (STS GetCallerIdentity's ARN): the actor of the scan's occurrences. */
  readonly caller: string;
  readonly partition: string;
  /** Regions regional readers read (every enabled one, or the configured list). */
  readonly regions: readonly string[];
  /** The region a global reader's findings are recorded in (`us-east-1` in `aws`). */
  readonly globalRegion: string;
  readonly readers: readonly StateReader[];
  /** The base client settings; the runner sets `region` per read. */
  readonly clientConfig: Omit<ScanClientConfig, 'region'>;
  /** Per reader and region; default 8. */
  readonly concurrency?: number;
  /** Reads of different readers and regions in flight at once; default 4. */
  readonly parallelReads?: number;
}

/** What a scan found and what it may reconcile. */
export interface ScanReport {
  readonly account: string;
  /** ISO time the scan started: the reconcile resolves only findings last seen before it. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Every risk seen, as detections of the scan (the event fields say it was a scan). */
  readonly detected: readonly Detected[];
  /** The parts read completely (minus their unread resources): only these are reconciled. */
  readonly coverage: readonly Coverage[];
  /** Reads that failed as a whole: reported, and their part is not reconciled. */
  readonly problems: readonly ScanProblem[];
  /** Resources a read could not read; their findings are left as they are. */
  readonly unread: readonly (UnreadResource & { readonly reader: string; readonly region: string })[];
  /** Resources read, by kind (`roles`: 12). */
  readonly counts: Readonly<Record<string, number>>;
}

/** A part of the account a scan read completely: the rules' open findings there not seen by it are gone. */
export interface Coverage {
  readonly reader: string;
  readonly ruleIds: readonly string[];
  /** Undefined for a global reader: its findings in any region. */
  readonly region: string | undefined;
  /** Resources (of any of `ruleIds`) it could not read. */
  readonly exceptResources: readonly string[];
  /** When set, only findings on these resources (the ones the read saw) are reconciled. */
  readonly onlyResources?: readonly string[];
}

export interface ScanProblem {
  readonly reader: string;
  readonly region: string;
  /** The AWS error name (`AccessDenied`, `UnrecognizedClientException`, `OptInRequired`...) or `Error`. */
  readonly code: string;
  readonly message: string;
}
