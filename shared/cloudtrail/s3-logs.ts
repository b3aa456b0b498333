/**
 * CloudTrail log files read straight from an S3 bucket: where a trail writes them
 * (`[prefix/]AWSLogs/[o-org-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`), listed part by
 * part so that only the accounts, regions and days asked for are listed, and downloaded by the reader
 * when their turn comes (readCloudTrail's `loadAhead` at a time).
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Environment } from '../config/settings.js';
import type { ReadInput } from './read.js';
import type { ReadProblem } from './read-document.js';
import { decodeWhole, WHOLE_FILE_LIMIT, type Loaded, type RemoteFile } from './read-load.js';
import { isDayInWindow, type TrailWindow } from './window.js';

export type { TrailWindow } from './window.js';

export interface S3Location {
  readonly bucket: string;
  /** A key prefix (`AWSLogs/`), or one object's key; empty for the whole bucket. */
  readonly prefix: string;
}

/** Which log files to list: days of the window, these accounts, these regions (each optional). */
export interface TrailSelection {
  readonly window?: TrailWindow;
  readonly accounts?: ReadonlySet<string>;
  readonly regions?: ReadonlySet<string>;
}

/** S3 answers SlowDown when many readers share one prefix: the SDK backs off and tries again, this many times in all. */
const S3_ATTEMPTS = 8;
/** Where the bucket is first asked for when no region is configured. */
const DEFAULT_REGION = 'us-east-1';

const S3_URL = /^s3:\/\/([^/]+)(?:\/(.*))?$/s;
/** The date in a log file's key: `.../CloudTrail/<region>/YYYY/MM/DD/...`. */
const KEY_DATE = /\/CloudTrail\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\//;
const ACCOUNT_ID = /^\d{12}$/;
const LOG_FILE = /\.json(\.gz)?$/;

/** `s3://bucket/prefix` as bucket and prefix; undefined for anything else (a local path). */
export function parseS3Url(text: string): S3Location | undefined {
  const match = S3_URL.exec(text);
  if (match === null) return undefined;
  return { bucket: match[1] as string, prefix: match[2] ?? '' };
}

/**
 * The client that reads a trail's bucket, through the standard credential chain: it follows S3's
 * redirect to a bucket in another region (an organization's log archive), and uses path-style
 * addressing when AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL names an endpoint of its own (an emulator, a
 * gateway), which cannot take the bucket in its host name.
 */
export function trailBucketClient(env: Environment): S3Client {
  const customEndpoint = (env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'] ?? '') !== '';
  // Any region reaches any bucket once redirects are followed: without one configured, start in us-east-1
  // rather than fail with "Region is missing".
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? DEFAULT_REGION;
  return new S3Client({ region, followRegionRedirects: true, maxAttempts: S3_ATTEMPTS, ...(customEndpoint ? { forcePathStyle: true } : {}) });
}

/** One log file of a bucket, downloaded when the reader calls `load`. */
export function s3LogFile(client: S3Client, bucket: string, key: string): RemoteFile {
  return {
    name: `s3://${bucket}/${key}`,
    async load(): Promise<Loaded> {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = answer.Body;
        if (body === undefined) return { kind: 'unreadable', error: new Error('S3 returned no body') };
        // A log file as CloudTrail writes it (a few MB at most) is taken whole; anything larger is streamed.
        if ((answer.ContentLength ?? 0) > WHOLE_FILE_LIMIT) return { kind: 'chunks', chunks: body as AsyncIterable<Uint8Array> };
        return await decodeWhole(Buffer.from(await body.transformToByteArray()));
      } catch (error) {
        return { kind: 'unreadable', error: new Error(describeS3Error(error)) };
      }
    },
  };
}

/** Whether a log file's key may hold events of the window, by the date in it (a key without one may). */
export function trailKeyInWindow(key: string, window: TrailWindow): boolean {
  const match = KEY_DATE.exec(key);
  if (match === null) return true;
  return isDayInWindow(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))), window);
}

/**
 * The log files under `s3://bucket/prefix`, in key order within each region (so in time order), as
 * remote files for readCloudTrail. Under CloudTrail's layout only the selected accounts and regions are
 * listed, and in each region only from the first day of the window to the last (a listing that starts
 * after the day before `since` and stops past `until`). A prefix without `AWSLogs/` below it is listed
 * whole: every `.json` or `.json.gz` under it. A key ending in `.json` or `.json.gz` is that one file.
 *
 * A listing that fails (no such bucket, access denied) is yielded as a problem in its place and the
 * other parts are listed; a location that holds no log file at all is one `notFound` problem.
 * Memory stays flat: one page of a listing is held at a time.
 */
export async function* trailLogFiles(client: S3Client, location: S3Location, selection: TrailSelection = {}): AsyncGenerator<ReadInput, void, undefined> {
  const { bucket, prefix } = location;
  const url = `s3://${bucket}/${prefix}`;
  if (LOG_FILE.test(prefix)) {
    yield s3LogFile(client, bucket, prefix);
    return;
  }
  let found = 0;
  let problems = 0;
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  for await (const input of walk({ client, bucket, selection }, folder)) {
    if (typeof input !== 'string' && 'problem' in input) problems += 1;
    else found += 1;
    yield input;
  }
  if (found === 0 && problems === 0)
    yield { problem: { file: url, reason: 'no CloudTrail log file there (for the accounts, regions and dates asked)', notFound: true } };
}

interface Lister {
  readonly client: S3Client;
  readonly bucket: string;
  readonly selection: TrailSelection;
}

/** Where a prefix sits in CloudTrail's layout, from the segments after `AWSLogs`. */
type Level = 'logs' | 'organization' | 'account' | 'service' | 'region' | 'inside';

function levelOf(afterLogs: readonly string[]): Level {
  const rest = afterLogs[0]?.startsWith('o-') === true ? afterLogs.slice(1) : afterLogs;
  if (afterLogs.length === 0) return 'logs';
  if (rest.length === 0) return 'organization';
  if (rest.length === 1) return 'account';
  if (rest.length === 2) return 'service';
  if (rest.length === 3) return 'region';
  return 'inside';
}

async function* walk(lister: Lister, folder: string): AsyncGenerator<ReadInput, void, undefined> {
  const segments = folder.split('/').filter((segment) => segment !== '');
  const logs = segments.lastIndexOf('AWSLogs');
  if (logs < 0) {
    // Above the layout: a trail's own key prefix, or a folder of log files in no layout at all.
    const below = await listing(lister, folder, () => childFolders(lister, folder));
    if ('problem' in below) yield below;
    else if (below.value.includes(`${folder}AWSLogs/`)) yield* walk(lister, `${folder}AWSLogs/`);
    else yield* logFiles(lister, folder, undefined);
    return;
  }
  const level = levelOf(segments.slice(logs + 1));
  const { accounts, regions, window } = lister.selection;
  if (level === 'logs' || level === 'organization') {
    const below = await listing(lister, folder, () => childFolders(lister, folder));
    if ('problem' in below) {
      yield below;
      return;
    }
    for (const child of below.value) {
      const name = lastSegment(child);
      if (level === 'logs' && name.startsWith('o-')) yield* walk(lister, child);
      else if (ACCOUNT_ID.test(name) && (accounts === undefined || accounts.has(name))) yield* walk(lister, `${child}CloudTrail/`);
    }
  } else if (level === 'account') {
    yield* walk(lister, `${folder}CloudTrail/`);
  } else if (level === 'service') {
    const below = await listing(lister, folder, () => childFolders(lister, folder));
    if ('problem' in below) {
      yield below;
      return;
    }
    for (const child of below.value) if (regions === undefined || regions.has(lastSegment(child))) yield* logFiles(lister, child, window?.since);
  } else {
    yield* logFiles(lister, folder, level === 'region' ? window?.since : undefined);
  }
}

/**
 * The log files under a prefix, flat. In a region's folder, the listing starts at the first day of the
 * window (keys are `YYYY/MM/DD/...`, so key order is day order) and stops at the first key past its last.
 */
async function* logFiles(lister: Lister, folder: string, since: Date | undefined): AsyncGenerator<ReadInput, void, undefined> {
  const { client, bucket, selection } = lister;
  const startAfter = since === undefined ? undefined : `${folder}${since.toISOString().slice(0, 10).replaceAll('-', '/')}`;
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: folder,
          ...(token === undefined ? (startAfter === undefined ? {} : { StartAfter: startAfter }) : { ContinuationToken: token }),
        }),
      );
      for (const { Key: key } of page.Contents ?? []) {
        if (key === undefined || !isTrailLogKey(key)) continue;
        if (selection.window !== undefined && !trailKeyInWindow(key, selection.window)) {
          // Past the window's last day: every later key of a region's folder is later still.
          if (since !== undefined) return;
          continue;
        }
        yield s3LogFile(client, bucket, key);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (error) {
    yield listProblem(bucket, folder, error);
  }
}

/** The folders right below a prefix (CommonPrefixes with the `/` delimiter), every page. */
async function childFolders(lister: Lister, folder: string): Promise<string[]> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await lister.client.send(
      new ListObjectsV2Command({ Bucket: lister.bucket, Prefix: folder, Delimiter: '/', ...(token === undefined ? {} : { ContinuationToken: token }) }),
    );
    for (const { Prefix: child } of page.CommonPrefixes ?? []) if (child !== undefined) folders.push(child);
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return folders;
}

async function listing<T>(lister: Lister, folder: string, list: () => Promise<T>): Promise<{ readonly value: T } | { readonly problem: ReadProblem }> {
  try {
    return { value: await list() };
  } catch (error) {
    return listProblem(lister.bucket, folder, error);
  }
}

function listProblem(bucket: string, folder: string, error: unknown): { readonly problem: ReadProblem } {
  const notFound = error instanceof Error && error.name === 'NoSuchBucket' ? { notFound: true as const } : {};
  return { problem: { file: `s3://${bucket}/${folder}`, reason: `cannot list: ${describeS3Error(error)}`, ...notFound } };
}

function lastSegment(folder: string): string {
  return folder.split('/').at(-2) ?? '';
}

/**
 * Whether a key is a log file of API records: `.json` or `.json.gz`, not a digest file
 * (`CloudTrail-Digest/`) nor Insights events (`CloudTrail-Insight/`), which share the trail's prefix.
 */
export function isTrailLogKey(key: string): boolean {
  return LOG_FILE.test(key) && !key.includes('/CloudTrail-Digest/') && !key.includes('/CloudTrail-Insight/') && !key.includes('_CloudTrail-Digest_');
}

/** An S3 error in one line: its name (NoSuchBucket, AccessDenied, SlowDown after the SDK's retries) and message. */
function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message === '' || error.message === error.name ? error.name : `${error.name}: ${error.message}`;
}
