import {
  GetAccountPasswordPolicyCommand,
  IAMClient,
  NoSuchEntityException,
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type ManagedPolicyDetail,
  type PolicyDetail,
} from '@aws-sdk/client-iam';
import { awsErrorCode } from '../read-resource.js';
import type { EquivalentChange, ReadTarget, StateReader, StateSink } from '../reader.js';

const IAM = 'iam.amazonaws.com';

/**
 * IAM's state, read with one paginated call (GetAccountAuthorizationDetails: users, groups, roles,
 * their inline policies and attachments, and every version of each customer-managed policy) plus
 * the account password policy. Each piece becomes the call that would create it:
 *
 * - a role's trust policy: CreateRole (iam-role-trust-public, iam-role-trust-outside);
 * - an inline policy: PutUserPolicy / PutGroupPolicy / PutRolePolicy (iam-wildcard-grant; a user's,
 *   iam-policy-attached-to-user too);
 * - an attachment: AttachUserPolicy / AttachGroupPolicy / AttachRolePolicy (AWS-managed policies are
 *   judged by name, as in the events; a user's attachments also raise iam-policy-attached-to-user and
 *   iam-user-compromised-key-quarantine);
 * - a customer-managed policy's default version: CreatePolicy, and each other stored version:
 *   CreatePolicyVersion without setAsDefault (iam-wildcard-grant's `document` and `version:` scopes);
 * - the password policy: UpdateAccountPasswordPolicy with its settings, or DeleteAccountPasswordPolicy
 *   when the account has none (iam-password-policy-weakened).
 *
 * AWS-managed policies are not requested: what they allow is already known by name.
 */
export const iamReader: StateReader = {
  id: 'iam',
  reach: 'global',
  ruleIds: [
    'iam-role-trust-public',
    'iam-role-trust-outside',
    'iam-wildcard-grant',
    'iam-policy-attached-to-user',
    'iam-user-compromised-key-quarantine',
    'iam-password-policy-weakened',
  ],
  permissions: ['iam:GetAccountAuthorizationDetails', 'iam:GetAccountPasswordPolicy'],

  async read(target, sink) {
    const client = new IAMClient(target.clientConfig);
    try {
      await readAuthorizationDetails(client, sink);
      await readPasswordPolicy(client, target, sink);
    } finally {
      client.destroy();
    }
  },
};

async function readAuthorizationDetails(client: IAMClient, sink: StateSink): Promise<void> {
  // 1,000 entities a page, IAM's maximum: a few calls for a large account (its default is 100).
  const pages = paginateGetAccountAuthorizationDetails({ client, pageSize: 1000 }, { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'] });
  for await (const page of pages) {
    for (const user of page.UserDetailList ?? []) {
      if (user.UserName === undefined) continue;
      const identity = { kind: 'User', parameter: 'userName', name: user.UserName } as const;
      emitIdentityPolicies(sink, identity, user.UserPolicyList, user.AttachedManagedPolicies);
    }
    sink.progress('users', page.UserDetailList?.length ?? 0);
    for (const group of page.GroupDetailList ?? []) {
      if (group.GroupName === undefined) continue;
      const identity = { kind: 'Group', parameter: 'groupName', name: group.GroupName } as const;
      emitIdentityPolicies(sink, identity, group.GroupPolicyList, group.AttachedManagedPolicies);
    }
    sink.progress('groups', page.GroupDetailList?.length ?? 0);
    for (const role of page.RoleDetailList ?? []) {
      if (role.RoleName === undefined) continue;
      sink.observe(
        change('CreateRole', {
          roleName: role.RoleName,
          path: role.Path,
          assumeRolePolicyDocument: policyText(role.AssumeRolePolicyDocument),
        }),
      );
      const identity = { kind: 'Role', parameter: 'roleName', name: role.RoleName } as const;
      emitIdentityPolicies(sink, identity, role.RolePolicyList, role.AttachedManagedPolicies);
    }
    sink.progress('roles', page.RoleDetailList?.length ?? 0);
    for (const policy of page.Policies ?? []) emitManagedPolicy(sink, policy);
    sink.progress('policies', page.Policies?.length ?? 0);
  }
}

interface Identity {
  readonly kind: 'User' | 'Group' | 'Role';
  /** How CloudTrail names the identity in the request: `userName`, `groupName`, `roleName`. */
  readonly parameter: 'userName' | 'groupName' | 'roleName';
  readonly name: string;
}

function emitIdentityPolicies(
  sink: StateSink,
  identity: Identity,
  inline: readonly PolicyDetail[] | undefined,
  attached: readonly AttachedPolicy[] | undefined,
): void {
  for (const policy of inline ?? []) {
    if (policy.PolicyName === undefined) continue;
    sink.observe(
      change(`Put${identity.kind}Policy`, {
        [identity.parameter]: identity.name,
        policyName: policy.PolicyName,
        policyDocument: policyText(policy.PolicyDocument),
      }),
    );
  }
  for (const policy of attached ?? []) {
    if (policy.PolicyArn === undefined) continue;
    sink.observe(change(`Attach${identity.kind}Policy`, { [identity.parameter]: identity.name, policyArn: policy.PolicyArn }));
  }
}

/** The default version as the CreatePolicy that made it; every other stored version as a CreatePolicyVersion that did not become the default. */
function emitManagedPolicy(sink: StateSink, policy: ManagedPolicyDetail): void {
  if (policy.Arn === undefined) return;
  for (const version of policy.PolicyVersionList ?? []) {
    const document = policyText(version.Document);
    if (version.IsDefaultVersion === true) {
      sink.observe(
        change(
          'CreatePolicy',
          { policyName: policy.PolicyName, path: policy.Path, policyDocument: document },
          { policy: { arn: policy.Arn, policyName: policy.PolicyName, defaultVersionId: version.VersionId } },
        ),
      );
    } else {
      sink.observe(
        change(
          'CreatePolicyVersion',
          { policyArn: policy.Arn, policyDocument: document, setAsDefault: false },
          { policyVersion: { versionId: version.VersionId, isDefaultVersion: false } },
        ),
      );
    }
  }
}

/** Without a password policy, IAM applies its defaults: the state DeleteAccountPasswordPolicy leaves. */
async function readPasswordPolicy(client: IAMClient, target: ReadTarget, sink: StateSink): Promise<void> {
  try {
    const { PasswordPolicy: policy } = await client.send(new GetAccountPasswordPolicyCommand({}));
    sink.observe(
      change('UpdateAccountPasswordPolicy', {
        minimumPasswordLength: policy?.MinimumPasswordLength,
        passwordReusePrevention: policy?.PasswordReusePrevention,
        requireSymbols: policy?.RequireSymbols,
        requireNumbers: policy?.RequireNumbers,
        requireUppercaseCharacters: policy?.RequireUppercaseCharacters,
        requireLowercaseCharacters: policy?.RequireLowercaseCharacters,
        allowUsersToChangePassword: policy?.AllowUsersToChangePassword,
        maxPasswordAge: policy?.MaxPasswordAge,
        hardExpiry: policy?.HardExpiry,
      }),
    );
  } catch (error) {
    if (error instanceof NoSuchEntityException) {
      sink.observe(change('DeleteAccountPasswordPolicy', {}));
      return;
    }
    // Only this setting is unknown: the rest of IAM was read.
    sink.unread({
      resource: `arn:${target.partition}:iam::${target.account}:account-password-policy`,
      ruleIds: ['iam-password-policy-weakened'],
      reason: awsErrorCode(error),
    });
  }
}

function change(eventName: string, requestParameters: Record<string, unknown>, responseElements?: Record<string, unknown>): EquivalentChange {
  return {
    eventSource: IAM,
    eventName,
    requestParameters: withoutUndefined(requestParameters),
    ...(responseElements === undefined ? {} : { responseElements }),
  };
}

function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986); CloudTrail logs them as plain JSON text, which
 * is what the rules read. A document that is not valid percent-encoding is passed on as it is.
 */
function policyText(document: string | undefined): string | undefined {
  if (document === undefined) return undefined;
  try {
    return decodeURIComponent(document);
  } catch {
    return document;
  }
}
