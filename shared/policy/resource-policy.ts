import { isObject } from '../cloudtrail/record.js';
import { actionMatcher } from './actions.js';
import { accountOfPrincipal, isAccountId, isTrustedAccount, type TrustBoundary } from './boundary.js';
import { isAllow, parsePolicyDocument, statementLabel, type ConditionEntry, type PolicyDocument, type PolicyStatement } from './document.js';
import { hasVariableOrWildcard, restrictsToFixedValues } from './public-principals.js';

/**
 * Who a resource policy lets in from beyond the trusted boundary, read the way IAM Access Analyzer
 * reads it (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html):
 *
 * - An Allow to a wildcard principal (`"*"`, `{"AWS": "*"}`, a NotPrincipal) is public unless a
 *   condition pins the caller with fixed values of a key that names who calls or from where
 *   (CALLER_KEYS, plus the service's own keys). Fixed values that name accounts (an account id, an
 *   ARN, an organization) are then judged against the boundary: outside it, the statement shares
 *   the resource with those accounts; inside, it is fine. Fixed values that name no account (a VPC,
 *   an address range) are not public and cannot be outside. A service's Bool key that confines the
 *   caller to the resource's own network when "true" (serviceTrueKeys) pins the same way.
 * - An Allow to named AWS accounts, users or roles shares the resource with each one outside the
 *   boundary. Service principals (the AWS service acting for this account), federated principals
 *   and canonical users are not judged here.
 * - `sts:ExternalId` and other keys not listed pin nothing: a shared string is not an access control.
 * - A Deny narrows an Allow only when it is written as the documented guard: principal `"*"`, an
 *   Action covering every action the Allow grants, Resource `"*"` or absent, and exactly one
 *   condition, a negated operator (StringNotEquals, ArnNotLike...) on a caller key with fixed values.
 *   Such a Deny means "nobody else", so the Allow is judged as if it carried that key with those
 *   values. Any other Deny (several conditions, NotAction, a narrower Resource) is ignored: reading
 *   it as a guard could hide an exposure, and ignoring it can only report one that a person then
 *   dismisses.
 */
export type Exposure = 'public' | 'outside';

export interface ExposedStatement {
  readonly statementIndex: number;
  readonly sid: string | undefined;
  /** "statement 2 (PublicRead)". */
  readonly label: string;
  readonly exposure: Exposure;
  /** Public: the wildcard principal as written. Outside: the untrusted accounts and organizations. */
  readonly principals: readonly string[];
  /** Why, in a few words. */
  readonly reason: string;
  /** The actions granted as written, or "NotAction ...". */
  readonly actions: readonly string[];
}

export type ResourcePolicyAnalysis =
  | {
      readonly ok: true;
      /** The widest exposure of any statement: public beats outside; undefined when none. */
      readonly exposure: Exposure | undefined;
      readonly statements: readonly ExposedStatement[];
    }
  | { readonly ok: false; readonly reason: string };

export interface ResourcePolicyOptions {
  readonly boundary: TrustBoundary;
  /** The account the resource lives in (always trusted). */
  readonly ownAccount: string;
  /** Service condition keys that also pin the caller (`kms:CallerAccount`), any case. */
  readonly serviceKeys?: readonly string[];
  /** Service keys among them whose values are account ids. */
  readonly serviceAccountKeys?: readonly string[];
  /**
   * Service Bool keys that confine the caller when "true" to the resource's own network
   * (`elasticfilesystem:AccessedViaMountTarget`): pins that name no account, like aws:SourceVpc.
   */
  readonly serviceTrueKeys?: readonly string[];
}

/** Keys that pin who calls or from where, for every service (lower case). */
const CALLER_KEYS = [
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:userid',
  'aws:username',
];

/** Keys whose values are account ids; ARN keys carry the account in the ARN; org keys an organization. */
const ACCOUNT_KEYS = ['aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner'];
const ARN_KEYS = ['aws:principalarn', 'aws:sourcearn'];
const ORGANIZATION_KEYS = ['aws:principalorgid', 'aws:principalorgpaths'];

/** Negated operators: in a Deny, "deny everyone whose key is not one of these values". */
const NEGATED_OPERATORS = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike', 'notipaddress']);

export function analyseResourcePolicy(input: unknown, options: ResourcePolicyOptions): ResourcePolicyAnalysis {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) return parsed;
  const statements = exposedStatements(parsed.document, options);
  const exposure = statements.some((s) => s.exposure === 'public') ? 'public' : statements.length > 0 ? 'outside' : undefined;
  return { ok: true, exposure, statements };
}

/** The Allow statements of a parsed document that let someone in from beyond the boundary. */
export function exposedStatements(document: PolicyDocument, options: ResourcePolicyOptions): ExposedStatement[] {
  const keys = callerKeys(options);
  const guards = document.statements.flatMap((statement) => denyGuard(statement, keys) ?? []);
  return document.statements.flatMap((statement) => (isAllow(statement) ? (exposureOf(statement, guards, keys, options) ?? []) : []));
}

interface CallerKeys {
  readonly pinning: ReadonlySet<string>;
  readonly accountKeys: ReadonlySet<string>;
  readonly trueKeys: ReadonlySet<string>;
}

function callerKeys(options: ResourcePolicyOptions): CallerKeys {
  const lower = (keys: readonly string[] | undefined) => (keys ?? []).map((key) => key.toLowerCase());
  return {
    pinning: new Set([...CALLER_KEYS, ...lower(options.serviceKeys), ...lower(options.serviceAccountKeys)]),
    accountKeys: new Set([...ACCOUNT_KEYS, ...lower(options.serviceAccountKeys)]),
    trueKeys: new Set(lower(options.serviceTrueKeys)),
  };
}

/** A Deny that reads "nobody but callers with these values": applied to the Allows it covers. */
interface DenyGuard {
  readonly actionPatterns: readonly string[];
  /** The equivalent positive condition ("StringEquals aws:PrincipalOrgID o-..."). */
  readonly pin: ConditionEntry;
}

function denyGuard(statement: PolicyStatement, keys: CallerKeys): DenyGuard | undefined {
  if (isAllow(statement) || statement.effect?.toLowerCase() !== 'deny') return undefined;
  if (statement.principal !== '*' && !(isObject(statement.principal) && onlyWildcardAws(statement.principal))) return undefined;
  if (statement.notPrincipal !== undefined || statement.notAction !== undefined || statement.notResource !== undefined) return undefined;
  if (statement.resource !== undefined && !statement.resource.every((resource) => resource === '*')) return undefined;
  if (statement.action === undefined || statement.action.length === 0 || statement.conditions.length !== 1) return undefined;
  const [condition] = statement.conditions;
  if (condition === undefined) return undefined;
  // "...IfExists" negated operators deny when the key is absent too: still "nobody else".
  const operator = condition.operator.toLowerCase().replace(/ifexists$/, '');
  if (!NEGATED_OPERATORS.has(operator)) return undefined;
  const positive = operator === 'notipaddress' ? 'IpAddress' : operator.replace('not', '');
  const pin: ConditionEntry = { operator: positive, key: condition.key, values: condition.values };
  return restrictsToFixedValues(pin, keys.pinning) ? { actionPatterns: statement.action, pin } : undefined;
}

function onlyWildcardAws(principal: Record<string, unknown>): boolean {
  const entries = Object.entries(principal);
  return entries.length === 1 && entries[0]?.[0] === 'AWS' && (entries[0][1] === '*' || (Array.isArray(entries[0][1]) && entries[0][1].includes('*')));
}

/** `"Bool": {"<key>": "true"}` on a key of serviceTrueKeys (IfExists would hold without the key: no pin). */
function confinesWhenTrue(condition: ConditionEntry, trueKeys: ReadonlySet<string>): boolean {
  return (
    condition.operator.toLowerCase() === 'bool' &&
    trueKeys.has(condition.key.toLowerCase()) &&
    condition.values.length > 0 &&
    condition.values.every((value) => value.toLowerCase() === 'true')
  );
}

/** Whether a Deny's actions cover every action an Allow grants (an Allow with NotAction is never covered). */
function covers(guard: DenyGuard, statement: PolicyStatement): boolean {
  if (statement.notAction !== undefined || statement.action === undefined) return false;
  const matchers = guard.actionPatterns.map((pattern) => actionMatcher(pattern));
  return statement.action.every((action) => (action === '*' ? guard.actionPatterns.includes('*') : matchers.some((matcher) => matcher.test(action))));
}

function exposureOf(statement: PolicyStatement, guards: readonly DenyGuard[], keys: CallerKeys, options: ResourcePolicyOptions): ExposedStatement | undefined {
  const pins = [
    ...statement.conditions.filter((condition) => restrictsToFixedValues(condition, keys.pinning) || confinesWhenTrue(condition, keys.trueKeys)),
    ...guards.filter((guard) => covers(guard, statement)).map((guard) => guard.pin),
  ];
  const base = { statementIndex: statement.index, sid: statement.sid, label: statementLabel(statement), actions: actionsOf(statement) };
  const wildcard = wildcardPrincipal(statement);
  const named = namedAccounts(statement);
  if (wildcard === undefined && named.length === 0) return undefined;

  // Conditions are ANDed: one pin whose every value is inside the boundary keeps the statement inside.
  const pinnedOutside: string[] = [];
  for (const pin of pins) {
    const outside = outsideValues(pin, keys, options);
    if (outside === undefined) {
      // A pin that names no account (a VPC, an address range): not public, and not outside either.
      if (wildcard !== undefined && named.length === 0) return undefined;
      continue;
    }
    if (outside.length === 0) return undefined;
    pinnedOutside.push(...outside);
  }
  if (wildcard !== undefined && pins.length === 0) {
    return { ...base, exposure: 'public', principals: [wildcard], reason: `${wildcard} and no condition that pins the caller to fixed values` };
  }
  const outsideNamed = named.filter((account) => !isTrustedAccount(options.boundary, account, options.ownAccount));
  const outside = [...new Set(wildcard !== undefined ? pinnedOutside : outsideNamed)];
  if (outside.length === 0) return undefined;
  const reason =
    wildcard !== undefined
      ? `${wildcard} pinned to ${outside.join(', ')}, outside the trusted accounts`
      : `grants to ${outside.join(', ')}, outside the trusted accounts`;
  return { ...base, exposure: 'outside', principals: outside, reason };
}

/**
 * The values of a pinning condition that lie outside the boundary ([] when all are inside), or
 * undefined when its values name no account (VPCs, IP ranges, user ids, service keys).
 */
function outsideValues(pin: ConditionEntry, keys: CallerKeys, options: ResourcePolicyOptions): string[] | undefined {
  const key = pin.key.toLowerCase();
  const trusted = (account: string) => isTrustedAccount(options.boundary, account, options.ownAccount);
  if (keys.accountKeys.has(key)) return pin.values.filter((value) => !isAccountId(value) || !trusted(value));
  if (ARN_KEYS.includes(key)) {
    const accounts = pin.values.map((value) => accountOfPrincipal(value));
    // An ARN without an account (an S3 bucket as aws:SourceArn) names no account we can judge.
    if (accounts.every((account) => account === undefined)) return undefined;
    return pin.values.filter((_value, index) => accounts[index] === undefined || !trusted(accounts[index] ?? ''));
  }
  if (ORGANIZATION_KEYS.includes(key)) {
    return pin.values.filter((value) => !options.boundary.organizations.has(value.split('/')[0] ?? value));
  }
  return undefined;
}

/** `"*"` as written when the statement lets any principal in, else undefined. */
function wildcardPrincipal(statement: PolicyStatement): string | undefined {
  if (statement.notPrincipal !== undefined) return 'NotPrincipal (everyone else)';
  const principal = statement.principal;
  if (typeof principal === 'string') return hasVariableOrWildcard(principal) ? `Principal "${principal}"` : undefined;
  if (!isObject(principal)) return undefined;
  for (const value of listOf(principal['AWS'])) {
    if (hasVariableOrWildcard(value)) return `Principal {"AWS": "${value}"}`;
  }
  return undefined;
}

/** The accounts that named AWS principals (account ids, IAM and STS ARNs) belong to. */
function namedAccounts(statement: PolicyStatement): string[] {
  if (!isObject(statement.principal)) return [];
  return listOf(statement.principal['AWS']).flatMap((value) => (hasVariableOrWildcard(value) ? [] : (accountOfPrincipal(value) ?? [])));
}

function listOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

function actionsOf(statement: PolicyStatement): string[] {
  return statement.notAction !== undefined ? [`NotAction ${statement.notAction.join(', ')}`] : [...(statement.action ?? [])];
}
