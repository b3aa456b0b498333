import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_CONFIG_FILE, readWardenConfig } from '../config/trusted-boundary.js';
import { parseTrustedList, type TrustBoundary } from '../policy/boundary.js';
import { isSeverity, SEVERITIES, type Severity } from '../detections/detection.js';
import { ruleById } from '../findings/rule-book.js';
import type { OpenFindingsStoreOptions } from '../findings/store.js';
import type { SuppressionTarget } from '../findings/suppressions.js';
import { UsageError } from './io.js';

/** The options every command that reads or writes findings takes. */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The options of commands that judge access from outside the account. */
export const TRUST_OPTIONS = {
  'trusted-accounts': { type: 'string' },
  config: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * The trusted boundary: --trusted-accounts (account and organization ids, comma-separated), else the
 * config file's trustedAccounts (--config FILE, or warden.config.json in the current directory when
 * it exists). Undefined when neither names one: only the account itself is then trusted, which the
 * caller says once.
 */
export async function trustedBoundaryOption(values: OptionValues): Promise<TrustBoundary | undefined> {
  const { 'trusted-accounts': listed, config } = values;
  try {
    if (typeof listed === 'string') return parseTrustedList(listed, '--trusted-accounts');
    const file = await readWardenConfig(typeof config === 'string' ? config : DEFAULT_CONFIG_FILE, { required: typeof config === 'string' });
    return file?.trustedAccounts;
  } catch (error) {
    // A bad list or config file is the user's to fix, like any option: exit 64 with the message.
    throw new UsageError((error as Error).message, { cause: error });
  }
}

export type OptionValues = Record<string, string | boolean | undefined>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** node:util parseArgs, strict, with --help added and its errors turned into usage errors that point at it. */
export function parseOptions<const T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = error instanceof Error ? /'([^']+)'/.exec(error.message)?.[1] : undefined;
    const message =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined
        ? `unknown option ${option}`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined
          ? `option ${option.split(',')[0]} needs a value`
          : error instanceof Error
            ? error.message
            : String(error);
    throw new UsageError(`${message} (see warden ${command} --help)`, { cause: error });
  }
}

/** --store DIR (default .warden) or --table NAME [--region R]: where findings are kept. */
export function storeSelection(values: OptionValues): OpenFindingsStoreOptions {
  const { table, region, store } = values;
  if (typeof table === 'string') {
    if (typeof store === 'string') throw new UsageError('--store and --table cannot be used together');
    if (table.length < 3) throw new UsageError('--table must name a DynamoDB table (3 characters or more)');
    return { tableName: table, ...(typeof region === 'string' ? { region } : {}) };
  }
  if (typeof region === 'string') throw new UsageError('--region only applies with --table');
  const dir = typeof store === 'string' ? store : '.warden';
  if (dir.trim() === '') throw new UsageError('--store needs a directory');
  return { storeDir: dir };
}

/** The options to repeat in a suggested command so it reaches the same store. */
export function storeArguments(selection: OpenFindingsStoreOptions): string {
  if ('tableName' in selection) return ` --table ${selection.tableName}${selection.region === undefined ? '' : ` --region ${selection.region}`}`;
  return selection.storeDir === '.warden' ? '' : ` --store ${selection.storeDir}`;
}

/** A severity, in any case. */
export function severityOption(text: string, option: string): Severity {
  const severity = text.toLowerCase();
  if (!isSeverity(severity)) throw new UsageError(`${option} must be one of ${SEVERITIES.join(', ')} (got "${text}")`);
  return severity;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO date (`2026-11-24`, midnight UTC) or date and time (UTC unless it names a zone). Strict: a day that does not exist
 * (`2027-02-30`) is refused rather than moved to another date, as JavaScript's Date would.
 */
export function isoTimeOption(text: string, option: string): Date {
  const parts = ISO_TIME.exec(text.trim());
  const [, year, month, day, hour = '00', minute = '00', second = '00'] = parts ?? [];
  const calendar = parts === null ? undefined : new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  const real =
    calendar !== undefined &&
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day) &&
    calendar.getUTCHours() === Number(hour) &&
    calendar.getUTCMinutes() === Number(minute) &&
    calendar.getUTCSeconds() === Number(second);
  // CloudTrail times are UTC: a date, or a time without a zone, is read as UTC too.
  const zone = parts?.[7] === undefined ? 'Z' : '';
  const time =
    parts === null ? Number.NaN : Date.parse(parts[4] === undefined ? `${year}-${month}-${day}T00:00:00Z` : `${text.trim().replace(' ', 'T')}${zone}`);
  if (!real || Number.isNaN(time)) throw new UsageError(`${option} must be an ISO date or time such as 2026-11-24 or 2026-11-24T08:00:00Z (got "${text}")`);
  return new Date(time);
}

/** An AWS region name: two letters, words, a number (us-east-1, ap-southeast-5, us-gov-west-1). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A comma-separated list of AWS regions (us-east-1,eu-west-1), each checked for form. */
export function regionsOption(text: string): string[] {
  return listOption(text, REGION, '--regions must list AWS regions, comma-separated (us-east-1,eu-west-1)');
}

/** A comma-separated list of 12-digit account ids. */
export function accountsOption(text: string): string[] {
  return listOption(text, ACCOUNT_ID, '--accounts must list 12-digit AWS account ids, comma-separated (111122223333,444455556666)');
}

function listOption(text: string, form: RegExp, expected: string): string[] {
  const items = [...new Set(text.split(',').map((item) => item.trim()))].filter((item) => item !== '');
  const wrong = items.find((item) => !form.test(item));
  if (items.length === 0 || wrong !== undefined) throw new UsageError(`${expected}; got "${wrong ?? text}"`);
  return items;
}

/** A rule id this build knows (a detection or a key-audit check). */
export function ruleOption(id: string, option: string): string {
  if (ruleById(id) === undefined) throw new UsageError(`${option}: no rule "${id}" (see warden rules)`);
  return id;
}

export function positiveInteger(value: string | boolean | undefined, option: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} must be a positive whole number (got "${value}")`);
  return Number(value);
}

export function requiredText(value: string | boolean | undefined, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${option} is required`);
  return value;
}

export function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0] ?? ''}"`);
}

export function onePositional(positionals: string[], command: string, name: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`${command}: ${name} is required`);
  if (extra.length > 0) throw new UsageError(`${command}: unexpected argument "${extra[0] ?? ''}"`);
  return first;
}

/** What `suppress` and `unsuppress` act on: an ID as a positional, or --rule with exactly one of --resource / --actor. */
export function suppressionTarget(values: OptionValues, positionals: string[], command: string): string | SuppressionTarget {
  const rule = typeof values.rule === 'string' ? values.rule : undefined;
  const resource = typeof values.resource === 'string' ? values.resource : undefined;
  const actor = typeof values.actor === 'string' ? values.actor : undefined;
  if (positionals.length > 0) {
    if (rule !== undefined || resource !== undefined || actor !== undefined)
      throw new UsageError(`${command}: give an ID or --rule with --resource/--actor, not both`);
    return onePositional(positionals, command, 'ID');
  }
  if (rule === undefined) throw new UsageError(`${command}: give a finding ID, or --rule with --resource PATTERN or --actor PATTERN`);
  ruleOption(rule, '--rule');
  if ((resource === undefined) === (actor === undefined)) throw new UsageError(`${command}: --rule needs exactly one of --resource PATTERN or --actor PATTERN`);
  return resource !== undefined ? { ruleId: rule, resourcePattern: resource } : { ruleId: rule, actorPattern: actor ?? '' };
}
