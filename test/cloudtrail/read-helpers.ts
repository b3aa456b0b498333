import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { readCloudTrail, type ReadProblem } from '../../shared/cloudtrail/read.js';

/** The committed input fixtures. */
export const inputs = (name: string): string => fileURLToPath(new URL(`../events/inputs/${name}`, import.meta.url));

export interface Collected {
  /** eventID and position of each record, in order. */
  readonly records: { readonly eventID: string; readonly file: string; readonly position: string }[];
  readonly problems: ReadProblem[];
  readonly done: { readonly file: string; readonly records: number }[];
}

export async function collect(paths: readonly string[], stdin?: NodeJS.ReadableStream): Promise<Collected> {
  const collected: Collected = { records: [], problems: [], done: [] };
  const iterable = readCloudTrail(paths, {
    ...(stdin === undefined ? {} : { stdin }),
    onProblem: (problem) => collected.problems.push(problem),
    onFileDone: (file, records) => collected.done.push({ file, records }),
  });
  for await (const { record, origin } of iterable) {
    collected.records.push({ eventID: record.eventID, file: origin.file, position: origin.position });
  }
  return collected;
}

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-read-'));
    made.push(dir);
    return dir;
  };
}

/** A realistic record with a given id, for inputs built inside a test. */
export function record(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSERID0001',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      userName: 'alice',
    },
    eventTime: '2026-11-20T10:15:30Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.5',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${id}`,
    eventID: `event-${id}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}
