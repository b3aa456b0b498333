import { actionLevels, actionMatcher, isEveryAction, splitAction, type ActionLevelsData } from './actions.js';
import { isAllow, parsePolicyDocument, type PolicyStatement } from './document.js';
import { publicStatementReason } from './public-principals.js';
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
 * Whether a bucket policy is public in S3's own sense ("The meaning of 'public'", https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status): an
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
    const reason = publicStatementReason(statement, S3_FIXED_VALUE_KEYS);
    if (reason === undefined) continue;
    const actions = statement.notAction !== undefined ? [`NotAction ${statement.notAction.join(', ')}`] : [...(statement.action ?? [])];
    statements.push({ statementIndex: statement.index, sid: statement.sid, reason, actions, access: statementAccess(statement, levels) });
  }
  return { ok: true, public: statements.length > 0, access: strongestAccess(statements.map((s) => s.access)), statements };
}

/** The condition keys whose fixed values make an otherwise public statement non-public (lower case). */
const S3_FIXED_VALUE_KEYS = new Set([
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
