import { asList, isObject, type JsonObject } from '../cloudtrail/record.js';

/**
 * An IAM policy document read defensively and normalised: every list-or-string field is a list of
 * strings (anything that is not a string is dropped), `Statement` is always a list, and each
 * statement remembers its position so findings can name it.
 */
export interface PolicyStatement {
  /** Position in the document's Statement list (0 when Statement was a single object). */
  readonly index: number;
  readonly sid: string | undefined;
  /** "Allow" or "Deny" as written; compare with isAllow. */
  readonly effect: string | undefined;
  readonly action: readonly string[] | undefined;
  readonly notAction: readonly string[] | undefined;
  readonly resource: readonly string[] | undefined;
  readonly notResource: readonly string[] | undefined;
  /** The raw Principal / NotPrincipal: "*" or an object of lists; read with the principal helpers. */
  readonly principal: unknown;
  readonly notPrincipal: unknown;
  /** Every operator / key / values triple of the Condition block, as written. */
  readonly conditions: readonly ConditionEntry[];
}

export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface PolicyDocument {
  readonly version: string | undefined;
  readonly statements: readonly PolicyStatement[];
}

export type ParsedPolicy = { readonly ok: true; readonly document: PolicyDocument } | { readonly ok: false; readonly reason: string };

/**
 * Reads a policy document that arrives as a JSON string (IAM write events), a URL-encoded JSON
 * string (RFC 3986, as the IAM read APIs return it) or an object (S3 PutBucketPolicy).
 */
export function parsePolicyDocument(input: unknown): ParsedPolicy {
  const raw = typeof input === 'string' ? parseJsonText(input) : { ok: true as const, value: input };
  if (!raw.ok) return raw;
  const value = raw.value;
  if (!isObject(value)) return { ok: false, reason: 'the policy document is not a JSON object' };
  const statementField = value['Statement'];
  if (statementField === undefined || statementField === null) return { ok: false, reason: 'the policy document has no Statement' };
  const statements: PolicyStatement[] = [];
  asList(statementField).forEach((statement, index) => {
    if (isObject(statement)) statements.push(normaliseStatement(statement, index));
  });
  const version = value['Version'];
  return { ok: true, document: { version: typeof version === 'string' ? version : undefined, statements } };
}

export function isAllow(statement: PolicyStatement): boolean {
  return statement.effect?.toLowerCase() === 'allow';
}

/** How a statement is named in findings: its position and, when it has one, its Sid. */
export function statementLabel(statement: Pick<PolicyStatement, 'index' | 'sid'>): string {
  return statement.sid === undefined || statement.sid === '' ? `statement ${statement.index}` : `statement ${statement.index} (${statement.sid})`;
}

function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'the policy document is empty' };
  const direct = tryJson(trimmed);
  if (direct.ok) return direct;
  // IAM read APIs return the document URL-encoded (RFC 3986): "%7B%22Version%22...".
  if (!trimmed.includes('%')) return { ok: false, reason: 'the policy document is not valid JSON' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(trimmed);
  } catch {
    return { ok: false, reason: 'the policy document is neither JSON nor valid URL-encoded JSON' };
  }
  const fromEncoded = tryJson(decoded);
  return fromEncoded.ok ? fromEncoded : { ok: false, reason: 'the URL-decoded policy document is not valid JSON' };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
}

function normaliseStatement(statement: JsonObject, index: number): PolicyStatement {
  const sid = statement['Sid'];
  const effect = statement['Effect'];
  return {
    index,
    sid: typeof sid === 'string' ? sid : undefined,
    effect: typeof effect === 'string' ? effect : undefined,
    action: stringList(statement['Action']),
    notAction: stringList(statement['NotAction']),
    resource: stringList(statement['Resource']),
    notResource: stringList(statement['NotResource']),
    principal: statement['Principal'],
    notPrincipal: statement['NotPrincipal'],
    conditions: normaliseCondition(statement['Condition']),
  };
}

/** Undefined when the field is absent, so "no Action" and "Action: []" stay distinguishable. */
function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return asList(value)
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim());
}

/** Condition values as strings: IAM accepts numbers and booleans and compares them as text. */
export function conditionValues(value: unknown): string[] {
  return asList(value).flatMap((item) => (typeof item === 'string' ? [item] : typeof item === 'number' || typeof item === 'boolean' ? [`${item}`] : []));
}

// A list rather than a record: keys come from the document, and "__proto__" must stay data.
function normaliseCondition(value: unknown): ConditionEntry[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([operator, block]) =>
    isObject(block) ? Object.entries(block).map(([key, values]) => ({ operator, key, values: conditionValues(values) })) : [],
  );
}
