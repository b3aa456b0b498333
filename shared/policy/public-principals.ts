import { isIPv4, isIPv6 } from 'node:net';
import { isObject } from '../cloudtrail/record.js';
import type { ConditionEntry, PolicyStatement } from './document.js';

/**
 * "Is this statement public?" for resource policies, after S3's "The meaning of 'public'" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status): an
 * Allow statement is not public when its principal is fixed, or when a non-negated condition limits
 * it to fixed values of a key from the caller's list (each policy type has its own keys).
 * Undefined when the statement grants only to fixed principals or fixed condition values.
 */
export function publicStatementReason(statement: PolicyStatement, fixedValueKeys: ReadonlySet<string>): string | undefined {
  const principal = principalProblem(statement);
  if (principal === undefined) return undefined;
  if (statement.conditions.some((condition) => restrictsToFixedValues(condition, fixedValueKeys))) return undefined;
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

/** Operators that require the key to equal (or match) the listed values. Negated ones do not restrict. */
const RESTRICTING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

export function restrictsToFixedValues(condition: ConditionEntry, fixedValueKeys: ReadonlySet<string>): boolean {
  const key = condition.key.toLowerCase();
  if (!fixedValueKeys.has(key)) return false;
  let operator = condition.operator.toLowerCase();
  // ForAnyValue: still requires a match; ForAllValues: and ...IfExists are true when the key is absent.
  if (operator.startsWith('foranyvalue:')) operator = operator.slice('foranyvalue:'.length);
  if (operator.includes(':') || operator.endsWith('ifexists')) return false;
  if (condition.values.length === 0) return false;
  if (key === 'aws:sourceip') return operator === 'ipaddress' && condition.values.every(isNarrowSourceIp);
  // aws:userid "AROLEID:*" (any session of a role) carries a wildcard, so it is not fixed either.
  return RESTRICTING_OPERATORS.has(operator) && condition.values.every((value) => value !== '' && !hasVariableOrWildcard(value));
}

export function hasVariableOrWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?') || value.includes('${');
}

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
    // RFC 1918 ranges are exempt, but none is broader than /8, so the exemption never widens this.
    return prefix >= 8;
  }
  if (isIPv6(address)) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    return prefix <= 128 && prefix >= 32;
  }
  return false;
}
