import { isIPv4, isIPv6 } from 'node:net';
import { isObject } from '../cloudtrail/record.js';
import { actionLevels, actionMatcher, isEveryAction, splitAction, type ActionLevelsData } from './actions.js';
import { isAllow, parsePolicyDocument, type ConditionEntry, type PolicyStatement } from './document.js';
import { strongestAccess, type PublicAccess } from './public-access.js';

/** An Allow statement of a bucket policy that S3 would call public, and what it lets the public do. */
export interface PublicStatement {
  readonly statementIndex: number;
  readonly sid: string | undefined;
  /** Why it is public, in a few words ("Principal \"*\" and no fixed-value condition"). */
  readonly reason: string;
  /** The actions granted, as written (or "NotAction ..."). */
  readonly actions: readonly string[];
  readonly access: PublicAccess;
}

export type BucketPolicyAnalysis =
  | { readonly ok: true; readonly public: boolean; readonly access: PublicAccess | undefined; readonly statements: readonly PublicStatement[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether a bucket policy is public in S3's own sense ("The meaning of public", see FACTS.md): an
 * Allow statement is not public only when its principal is fixed, or when it is limited by a fixed
 * value of one of the keys below under a non-negated operator. One public statement makes the
 * policy public; Deny statements grant nothing.
 */
export function analyseBucketPolicy(input: unknown, levels: ActionLevelsData = actionLevels): BucketPolicyAnalysis {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) return parsed;
  const statements: PublicStatement[] = [];
  for (const statement of parsed.document.statements) {
    if (!isAllow(statement)) continue;
    const reason = publicReason(statement);
    if (reason === undefined) continue;
    const actions = statement.notAction !== undefined ? [`NotAction ${statement.notAction.join(', ')}`] : [...(statement.action ?? [])];
    statements.push({ statementIndex: statement.index, sid: statement.sid, reason, actions, access: statementAccess(statement, levels) });
  }
  return { ok: true, public: statements.length > 0, access: strongestAccess(statements.map((s) => s.access)), statements };
}

/** Undefined when the statement grants only to fixed principals or fixed condition values. */
function publicReason(statement: PolicyStatement): string | undefined {
  const principal = principalProblem(statement);
  if (principal === undefined) return undefined;
  if (statement.conditions.some(restrictsToFixedValues)) return undefined;
  return `${principal} and no condition that limits it to fixed values`;
}

function principalProblem(statement: PolicyStatement): string | undefined {
  if (statement.notPrincipal !== undefined) return 'NotPrincipal grants to everyone else';
  const principal = statement.principal;
  if (principal === undefined || principal === null) return 'no Principal';
  if (typeof principal === 'string') return principal === '' ? 'an empty Principal' : hasVariableOrWildcard(principal) ? `Principal "${principal}"` : undefined;
  if (!isObject(principal)) return 'an unreadable Principal';
  const entries = Object.entries(principal);
  if (entries.length === 0) return 'an empty Principal';
  for (const [type, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) return `an empty ${type} principal`;
    for (const item of values) {
      // AWS accounts, users, roles, service principals and canonical users are fixed when written out in full.
      if (typeof item !== 'string' || item === '') return `an unreadable ${type} principal`;
      if (hasVariableOrWildcard(item)) return `Principal {"${type}": "${item}"}`;
    }
  }
  return undefined;
}

/** The condition keys whose fixed values make an otherwise public statement non-public (lower case). */
const FIXED_VALUE_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:principalorgid',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);

/** Operators that require the key to equal (or match) the listed values. Negated ones do not restrict. */
const RESTRICTING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

function restrictsToFixedValues(condition: ConditionEntry): boolean {
  const key = condition.key.toLowerCase();
  if (!FIXED_VALUE_KEYS.has(key)) return false;
  let operator = condition.operator.toLowerCase();
  // ForAnyValue: still requires a match; ForAllValues: and ...IfExists are true when the key is absent.
  if (operator.startsWith('foranyvalue:')) operator = operator.slice('foranyvalue:'.length);
  if (operator.includes(':') || operator.endsWith('ifexists')) return false;
  if (condition.values.length === 0) return false;
  if (key === 'aws:sourceip') return operator === 'ipaddress' && condition.values.every(isNarrowSourceIp);
  // aws:userid "AROLEID:*" (any session of a role) carries a wildcard, so it is not fixed either.
  return RESTRICTING_OPERATORS.has(operator) && condition.values.every((value) => value !== '' && !hasVariableOrWildcard(value));
}

function hasVariableOrWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?') || value.includes('${');
}

const RFC_1918: readonly (readonly [number, number])[] = [
  [ipv4ToNumber([10, 0, 0, 0]), 8],
  [ipv4ToNumber([172, 16, 0, 0]), 12],
  [ipv4ToNumber([192, 168, 0, 0]), 16],
];

/**
 * S3 counts an aws:SourceIp range broader than /8 (IPv4) or /32 (IPv6) as public, except RFC 1918
 * private ranges; an unreadable value is not a fixed value either.
 */
export function isNarrowSourceIp(value: string): boolean {
  const [address = '', prefixText, ...rest] = value.trim().split('/');
  if (rest.length > 0) return false;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return false;
  if (isIPv4(address)) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (prefix > 32) return false;
    if (prefix >= 8) return true;
    const start = ipv4ToNumber(address.split('.').map(Number)) & prefixMask(prefix);
    return RFC_1918.some(([network, bits]) => prefix >= bits && (start & prefixMask(bits)) === network);
  }
  if (isIPv6(address)) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    return prefix <= 128 && prefix >= 32;
  }
  return false;
}

function ipv4ToNumber(octets: readonly number[]): number {
  return octets.reduce((sum, octet) => sum * 256 + octet, 0);
}

function prefixMask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** What a public statement lets anyone do: read, write, or change permissions. */
function statementAccess(statement: PolicyStatement, levels: ActionLevelsData): PublicAccess {
  // An Allow with NotAction grants everything else, which includes the permission changes.
  if (statement.notAction !== undefined) return 'permissions';
  return strongestAccess((statement.action ?? []).map((pattern) => s3ActionAccess(pattern, levels))) ?? 'read';
}

/** The strongest S3 access a pattern reaches: PutBucketPolicy, PutBucketAcl... are permissions; Put*, Delete* write. */
export function s3ActionAccess(pattern: string, levels: ActionLevelsData = actionLevels): PublicAccess {
  if (isEveryAction(pattern)) return 'permissions';
  const parts = splitAction(pattern);
  if (parts === undefined || !actionMatcher(parts.service).test('s3')) return 'read';
  const matcher = actionMatcher(parts.action);
  if ((levels.permissionsManagement['s3'] ?? []).some((action) => matcher.test(action))) return 'permissions';
  if (levels.s3Write.some((action) => matcher.test(action))) return 'write';
  return 'read';
}
