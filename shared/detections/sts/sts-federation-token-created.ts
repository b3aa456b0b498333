import { accountOf, asList, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn } from '../../cloudtrail/arn.js';
import { isAllow, parsePolicyDocument } from '../../policy/document.js';
import { findWildcardGrants } from '../../policy/wildcard-grants.js';
import type { Detection } from '../detection.js';

/** The IAM user who called GetFederationToken (role sessions cannot call it: it needs long-term credentials). */
function callerOf(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  if (stringField(record, 'userIdentity', 'type') !== 'IAMUser') return undefined;
  const name = stringField(record, 'userIdentity', 'userName');
  // Built from the name (path left out) so that DeleteUser, which names the user only, closes it.
  return name === undefined || name === '' ? undefined : { name, arn: iamUserArn(record, accountOf(record), name) };
}

/**
 * What the session policies passed with the call say, in a few words: never the document itself.
 * Without any session policy the federated session has no permissions at all (except what a
 * resource policy naming the federated user grants).
 */
function sessionPolicyOf(
  record: CloudTrailRecord,
): { inline: boolean; allowStatements?: number; wildcards?: string[]; managedPolicyArns: string[] } | undefined {
  const inline = field(record, 'requestParameters', 'policy');
  const managedPolicyArns = asList(field(record, 'requestParameters', 'policyArns'))
    .map((descriptor) => stringField(descriptor, 'arn'))
    .filter((arn): arn is string => arn !== undefined);
  const hasInline = inline !== undefined && inline !== null && inline !== '';
  if (!hasInline && managedPolicyArns.length === 0) return undefined;
  if (!hasInline) return { inline: false, managedPolicyArns };
  const parsed = parsePolicyDocument(inline);
  const grants = findWildcardGrants(inline);
  return {
    inline: true,
    ...(parsed.ok ? { allowStatements: parsed.document.statements.filter(isAllow).length } : {}),
    ...(grants.ok ? { wildcards: [...new Set(grants.grants.map((grant) => grant.pattern))].slice(0, 5) } : {}),
    managedPolicyArns,
  };
}

function durationOf(record: CloudTrailRecord): number | undefined {
  const given = field(record, 'requestParameters', 'durationSeconds');
  const value = typeof given === 'number' ? given : typeof given === 'string' && given.trim() !== '' ? Number(given) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** GetFederationToken's default lifetime when the call gives no duration (12 hours). */
const DEFAULT_DURATION_SECONDS = 43_200;

export const stsFederationTokenCreated: Detection = {
  id: 'sts-federation-token-created',
  title: 'IAM user created a federation token',
  severity: 'medium',
  description:
    'An IAM user called sts:GetFederationToken and received temporary credentials for a federated user session. Attackers ' +
    'holding a stolen access key do this to keep access (the credentials live up to 36 hours and keep working after the key ' +
    'is deactivated or deleted) and to reach the console under a name of their choosing. Medium when a session policy was ' +
    'passed (the session may then do what the user may do, within that policy); low when none was, because such a session ' +
    'has no permissions except those a resource policy grants to the federated user by name. Some older broker applications ' +
    'call it legitimately: suppress those users. Only IAM users are judged (the root user can call it too, for one hour). ' +
    'STS records the call in the region of the endpoint used: calls to a regional STS endpoint outside the regions that ' +
    'forward events to iam-warden are missed.',
  remediation:
    'Ask the owner of the user whether they called it. If not, treat the access key as stolen: deactivate it ' +
    '(`aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive`), then cut off the federation ' +
    'session, which deleting the key does not do: attach to the user an inline policy that denies everything to sessions issued ' +
    'before now, `aws iam put-user-policy --user-name USER --policy-name RevokeOlderSessions --policy-document \'{"Version":' +
    '"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":' +
    '{"aws:TokenIssueTime":"NOW-IN-ISO-8601"}}}]}\'`, and keep it at least 36 hours (or delete the user). Review CloudTrail ' +
    'for what the federated user (arn:aws:sts::ACCOUNT:federated-user/NAME) did, including GetSigninToken and ConsoleLogin. ' +
    'Then close the finding by hand (`warden findings resolve ID --reason ...`): a token cannot be revoked, only outlived.',
  references: {
    mitreAttack: ['T1550.001', 'T1098.001'],
    links: [
      'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getfederationtoken.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html',
    ],
  },
  scoped: false,
  events: [
    // Named like a read (Get*). CloudTrail marks it readOnly false, and older editions of the EventBridge
    // guide ("Receiving read-only management events from AWS services") listed it among the change events
    // despite its name; the current edition no longer does. A rule in state
    // ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS receives it in either case, so it is declared read-only.
    { eventSource: 'sts.amazonaws.com', eventNames: ['GetFederationToken'], readOnly: true },
    { eventSource: 'iam.amazonaws.com', eventNames: ['DeleteUser'] },
  ],

  evaluate(record) {
    if (record.eventName !== 'GetFederationToken') return undefined;
    const caller = callerOf(record);
    if (caller === undefined) return undefined;
    const federatedUserName = stringField(record, 'requestParameters', 'name');
    const sessionPolicy = sessionPolicyOf(record);
    const expires = stringField(record, 'responseElements', 'credentials', 'expiration');
    const allows =
      sessionPolicy === undefined
        ? 'without a session policy (the session has no permissions of its own)'
        : sessionPolicy.wildcards !== undefined && sessionPolicy.wildcards.length > 0
          ? `with a session policy allowing ${sessionPolicy.wildcards.join(', ')}`
          : 'with a session policy';
    return {
      severity: sessionPolicy === undefined ? 'low' : 'medium',
      resource: caller.arn,
      summary:
        `IAM user ${caller.name} obtained federated credentials named "${federatedUserName ?? '(not recorded)'}" ${allows}, ` +
        `valid ${expires === undefined ? 'for up to 36 hours' : `until ${expires}`} even if its access key is deleted; confirm ${caller.name} did this.`,
      details: {
        user: caller.name,
        federatedUserName,
        federatedUserArn: stringField(record, 'responseElements', 'federatedUser', 'arn'),
        temporaryAccessKeyId: stringField(record, 'responseElements', 'credentials', 'accessKeyId'),
        durationSeconds: durationOf(record) ?? DEFAULT_DURATION_SECONDS,
        expires,
        sessionPolicy: sessionPolicy ?? 'none',
        callerAccessKeyId: stringField(record, 'userIdentity', 'accessKeyId'),
        sourceIPAddress: stringField(record, 'sourceIPAddress'),
      },
    };
  },

  resolves(record) {
    // The session's permissions are those of the user's policies, evaluated at each request: with the
    // user deleted (its policies detached first), the federated credentials can do nothing.
    const userName = stringField(record, 'requestParameters', 'userName');
    if (record.eventName !== 'DeleteUser' || userName === undefined || userName === '') return [];
    return [{ resource: iamUserArn(record, accountOf(record), userName), reason: 'user deleted: its federated sessions lost every permission' }];
  },
};
