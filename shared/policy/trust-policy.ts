import { isObject } from '../cloudtrail/record.js';
import { isAllow, parsePolicyDocument, statementLabel, type ConditionEntry, type PolicyStatement } from './document.js';
import { ONLY_OWN_ACCOUNT } from './boundary.js';
import { hasVariableOrWildcard, restrictsToFixedValues } from './public-principals.js';
import { exposedStatements } from './resource-policy.js';

/** A trust-policy statement that lets anyone (any AWS account, any GitHub repository...) assume the role. */
export interface PublicTrustStatement {
  readonly statementIndex: number;
  readonly sid: string | undefined;
  readonly label: string;
  readonly reason: string;
}

export type TrustPolicyAnalysis =
  | { readonly ok: true; readonly public: boolean; readonly statements: readonly PublicTrustStatement[] }
  | { readonly ok: false; readonly reason: string };

const GITHUB_ACTIONS = 'token.actions.githubusercontent.com';
const COGNITO = 'cognito-identity.amazonaws.com';

/**
 * Whether a role's trust policy lets anyone assume it: an Allow to `*` (or `{"AWS":"*"}`) not pinned
 * by a fixed value of an organisation, account, ARN or network key; GitHub Actions OIDC without a
 * `sub` condition that names an owner (any repository on GitHub could assume it); a Cognito identity
 * pool principal without an `aud` condition (any identity pool). Other OIDC and SAML providers are
 * scoped by the provider itself and are not judged here.
 */
export function analyseTrustPolicy(input: unknown): TrustPolicyAnalysis {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) return parsed;
  // AWS principals are read as in any resource policy: public is a wildcard no caller key pins (the
  // boundary only tells "outside" from "inside", which iam-role-trust-outside judges).
  const openToAnyone = new Map(
    exposedStatements(parsed.document, { boundary: ONLY_OWN_ACCOUNT, ownAccount: '' }).flatMap((exposed) =>
      exposed.exposure === 'public' ? [[exposed.statementIndex, exposed.reason] as const] : [],
    ),
  );
  const statements: PublicTrustStatement[] = [];
  for (const statement of parsed.document.statements) {
    if (!isAllow(statement)) continue;
    const reason = federatedProblem(statement) ?? openToAnyone.get(statement.index);
    if (reason !== undefined) statements.push({ statementIndex: statement.index, sid: statement.sid, label: statementLabel(statement), reason });
  }
  return { ok: true, public: statements.length > 0, statements };
}

function federatedProblem(statement: PolicyStatement): string | undefined {
  if (!isObject(statement.principal)) return undefined;
  const federated = statement.principal['Federated'];
  const providers = (Array.isArray(federated) ? federated : [federated]).filter((value): value is string => typeof value === 'string');
  for (const provider of providers) {
    const host = provider.includes(':oidc-provider/') ? provider.slice(provider.indexOf(':oidc-provider/') + ':oidc-provider/'.length) : provider;
    if (host === GITHUB_ACTIONS && !pinsGitHubOwner(statement.conditions)) {
      return `GitHub Actions OIDC without a ${GITHUB_ACTIONS}:sub condition naming an owner, so any repository on GitHub can assume it`;
    }
    if (host === COGNITO && !statement.conditions.some((condition) => restrictsToFixedValues(condition, new Set([`${COGNITO}:aud`])))) {
      return `Cognito identities without a ${COGNITO}:aud condition, so any identity pool can assume it`;
    }
  }
  return undefined;
}

/** `repo:OWNER/...` with a fixed owner (the rest may use wildcards: `repo:acme/app:*` is fine). */
function pinsGitHubOwner(conditions: readonly ConditionEntry[]): boolean {
  return conditions.some((condition) => {
    const operator = condition.operator.toLowerCase();
    if (condition.key.toLowerCase() !== `${GITHUB_ACTIONS}:sub` || !['stringequals', 'stringlike'].includes(operator)) return false;
    return (
      condition.values.length > 0 &&
      condition.values.every((value) => {
        const owner = /^repo:([^/]+)\//.exec(value)?.[1];
        return owner !== undefined && !hasVariableOrWildcard(owner);
      })
    );
  });
}
