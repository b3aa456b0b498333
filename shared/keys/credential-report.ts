import { parse } from 'csv-parse/sync';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { FieldLogger as Logger } from '../logging/logger.js';

/**
 * The columns of the IAM credential report, in order
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html#id_credentials_understanding_the_report_format).
 */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

export const ROOT_USER = '<root_account>';

export interface ReportKey {
  readonly active: boolean;
  /** When the key was created (the report calls it last rotated); undefined when there is no key. */
  readonly lastRotated: Date | undefined;
  /** Undefined: never used (N/A) or no information (used before April 2015, or unknown). */
  readonly lastUsed: Date | undefined;
  readonly lastUsedRegion: string | undefined;
  readonly lastUsedService: string | undefined;
}

export interface CredentialReportRow {
  readonly user: string;
  readonly arn: string;
  readonly isRoot: boolean;
  readonly userCreationTime: Date | undefined;
  /** Root: the report says not_supported; read as false. */
  readonly consoleAccess: boolean;
  readonly consoleLastUsed: Date | undefined;
  readonly consoleLastChanged: Date | undefined;
  readonly mfaActive: boolean;
  /** Index 0 is access_key_1, index 1 is access_key_2. */
  readonly keys: readonly [ReportKey, ReportKey];
}

export interface CredentialReport {
  /** ISO time AWS generated the report; the audit's event id derives from it. */
  readonly generatedTime: string;
  readonly rows: readonly CredentialReportRow[];
}

/** A report that cannot be read: the message says which line or column. */
export class CredentialReportError extends Error {
  override readonly name = 'CredentialReportError';
}

const NONE = new Set(['', 'n/a', 'no_information', 'not_supported']);

function text(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return NONE.has(trimmed.toLowerCase()) ? undefined : trimmed;
}

function bool(value: string | undefined): boolean {
  return text(value)?.toLowerCase() === 'true';
}

function date(value: string | undefined, column: string, line: number): Date | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const parsed = new Date(raw);
  if (Number.isNaN(parsed.getTime())) throw new CredentialReportError(`line ${line}: ${column} is not a date: ${JSON.stringify(raw.slice(0, 40))}`);
  return parsed;
}

/**
 * The CSV text of a report given as the CSV itself, the base64 `Content` of GetCredentialReport, or
 * the whole JSON that `aws iam get-credential-report` prints (`{"Content": "<base64>", ...}`).
 */
export function reportText(input: string | Uint8Array): string {
  const asText = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const trimmed = asText.trim();
  if (trimmed.startsWith('user,')) return trimmed;
  if (trimmed.startsWith('{')) {
    let content: unknown;
    try {
      content = (JSON.parse(trimmed) as { Content?: unknown }).Content;
    } catch {
      content = undefined;
    }
    if (typeof content === 'string') return reportText(content);
  }
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
    if (decoded.startsWith('user,')) return decoded;
  }
  throw new CredentialReportError(
    'not a credential report: the first line must be the header "user,arn,..." (raw CSV, base64, or the JSON of aws iam get-credential-report)',
  );
}

/** Parses a credential report (raw CSV or base64). Unknown extra columns are ignored; a missing one is an error. */
export function parseCredentialReport(input: string | Uint8Array): CredentialReportRow[] {
  const records = parse(reportText(input), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  const first = records[0];
  if (first !== undefined) {
    const missing = CREDENTIAL_REPORT_COLUMNS.filter((column) => !(column in first));
    if (missing.length > 0) throw new CredentialReportError(`credential report lacks column(s): ${missing.join(', ')}`);
  }
  return records.map((record, index) => {
    const line = index + 2;
    const user = record['user'] ?? '';
    const arn = record['arn'] ?? '';
    if (user === '' || arn === '') throw new CredentialReportError(`line ${line}: empty user or arn`);
    const key = (n: 1 | 2): ReportKey => ({
      active: bool(record[`access_key_${n}_active`]),
      lastRotated: date(record[`access_key_${n}_last_rotated`], `access_key_${n}_last_rotated`, line),
      lastUsed: date(record[`access_key_${n}_last_used_date`], `access_key_${n}_last_used_date`, line),
      lastUsedRegion: text(record[`access_key_${n}_last_used_region`]),
      lastUsedService: text(record[`access_key_${n}_last_used_service`]),
    });
    return {
      user,
      arn,
      isRoot: user === ROOT_USER,
      userCreationTime: date(record['user_creation_time'], 'user_creation_time', line),
      consoleAccess: bool(record['password_enabled']),
      consoleLastUsed: date(record['password_last_used'], 'password_last_used', line),
      consoleLastChanged: date(record['password_last_changed'], 'password_last_changed', line),
      mfaActive: bool(record['mfa_active']),
      keys: [key(1), key(2)],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading the report from the account

export interface ReadReportOptions {
  readonly iam: Pick<IAMClient, 'send'>;
  /** Injected so tests never wait. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
  readonly logger?: Logger;
  /** Reuse a report younger than this instead of asking for a new one (AWS makes one at most every 4 hours). */
  readonly maxReportAgeMs?: number;
  /** Give up after this much waiting in total. */
  readonly maxWaitMs?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;

const errorName = (error: unknown): string => {
  if (typeof error !== 'object' || error === null) return '';
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  return [name, Code, code].filter((v) => typeof v === 'string').join(' ');
};
const NOT_PRESENT = /ReportNotPresent|CredentialReportNotPresent/;
const EXPIRED = /ReportExpired|CredentialReportExpired/;
const IN_PROGRESS = /ReportInProgress|CredentialReportNotReady/;
const THROTTLED = /LimitExceeded|Throttl|TooManyRequests|ReportGenerationLimitExceeded/;

/**
 * Gets a complete credential report: reuses the current one when it is younger than four hours, else
 * asks for a new one and polls with exponential backoff (and jitter-free delays, so tests can assert
 * them) until it is ready. Throttling and "in progress" wait and retry; anything else is thrown.
 */
export async function readCredentialReport(options: ReadReportOptions): Promise<CredentialReport & { calls: number }> {
  const { iam, sleep, now, logger } = options;
  const maxAge = options.maxReportAgeMs ?? FOUR_HOURS_MS;
  const maxWait = options.maxWaitMs ?? 5 * 60 * 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let delay = options.initialDelayMs ?? 1_000;
  let waited = 0;
  let calls = 0;
  let generated = false;

  const wait = async (why: string): Promise<void> => {
    if (waited + delay > maxWait) throw new CredentialReportError(`credential report not ready after waiting ${Math.round(waited / 1000)} s (${why})`);
    logger?.debug({ delayMs: delay, why }, 'waiting for the credential report');
    await sleep(delay);
    waited += delay;
    delay = Math.min(delay * 2, maxDelay);
  };

  for (;;) {
    if (!generated) {
      // Try the existing report first: a young one is reused, so repeated runs do not generate.
      try {
        calls += 1;
        const got = await iam.send(new GetCredentialReportCommand({}));
        const time = got.GeneratedTime;
        if (got.Content !== undefined && time !== undefined && now().getTime() - time.getTime() < maxAge) {
          return { generatedTime: time.toISOString(), rows: parseCredentialReport(got.Content), calls };
        }
      } catch (error) {
        const name = errorName(error);
        if (THROTTLED.test(name)) {
          await wait('throttled');
          continue;
        }
        if (!NOT_PRESENT.test(name) && !EXPIRED.test(name) && !IN_PROGRESS.test(name)) throw error;
      }
      try {
        calls += 1;
        const state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
        generated = true;
        logger?.info({ state }, 'credential report requested');
        if (state !== 'COMPLETE') await wait(`state ${state ?? 'unknown'}`);
      } catch (error) {
        if (!THROTTLED.test(errorName(error))) throw error;
        await wait('throttled');
      }
      continue;
    }
    try {
      calls += 1;
      const got = await iam.send(new GetCredentialReportCommand({}));
      if (got.Content === undefined || got.GeneratedTime === undefined)
        throw new CredentialReportError('GetCredentialReport returned no Content or GeneratedTime');
      return { generatedTime: got.GeneratedTime.toISOString(), rows: parseCredentialReport(got.Content), calls };
    } catch (error) {
      const name = errorName(error);
      if (IN_PROGRESS.test(name) || THROTTLED.test(name)) {
        await wait(IN_PROGRESS.test(name) ? 'in progress' : 'throttled');
        continue;
      }
      if (NOT_PRESENT.test(name) || EXPIRED.test(name)) {
        // Someone else's report expired or vanished between our calls: ask again.
        generated = false;
        await wait('not present');
        continue;
      }
      throw error;
    }
  }
}
