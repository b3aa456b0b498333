import { accountOf, actorOf, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import { statementLabel } from '../../policy/document.js';
import { awsManagedPolicyName, managedPolicyWildcards } from '../../policy/managed-policies.js';
import { describeGrants, findWildcardGrants, type WildcardGrant } from '../../policy/wildcard-grants.js';
import type { Detection, DetectionMatch, RiskRemoval } from '../detection.js';

type IdentityKind = 'user' | 'group' | 'role';

/** The IAM identity an event acts on, read from the parameter its event name uses. */
interface Identity {
  readonly kind: IdentityKind;
  readonly name: string;
  readonly arn: string;
}

const IDENTITY_EVENTS: Readonly<Record<string, IdentityKind>> = {
  PutUserPolicy: 'user',
  DeleteUserPolicy: 'user',
  AttachUserPolicy: 'user',
  DetachUserPolicy: 'user',
  DeleteUser: 'user',
  PutGroupPolicy: 'group',
  DeleteGroupPolicy: 'group',
  AttachGroupPolicy: 'group',
  DetachGroupPolicy: 'group',
  DeleteGroup: 'group',
  PutRolePolicy: 'role',
  DeleteRolePolicy: 'role',
  AttachRolePolicy: 'role',
  DetachRolePolicy: 'role',
  DeleteRole: 'role',
};

function identityOf(record: CloudTrailRecord): Identity | undefined {
  const kind = Object.hasOwn(IDENTITY_EVENTS, record.eventName) ? IDENTITY_EVENTS[record.eventName] : undefined;
  if (kind === undefined) return undefined;
  const name = stringField(record, 'requestParameters', `${kind}Name`);
  if (name === undefined || name === '') return undefined;
  return { kind, name, arn: `arn:${partitionOf(record)}:iam::${accountOf(record)}:${kind}/${name}` };
}

const describeIdentity = (identity: Identity): string => `IAM ${identity.kind} ${identity.name}`;

/** Where each wildcard is: "statement 0 (AdminAll)", one per statement. */
function statementsOf(grants: readonly WildcardGrant[]): string {
  return [...new Set(grants.map((g) => statementLabel({ index: g.statementIndex, sid: g.sid })))].join(', ');
}

function grantDetails(grants: readonly WildcardGrant[]): Record<string, unknown>[] {
  return grants.map((g) => ({
    statementIndex: g.statementIndex,
    sid: g.sid,
    kind: g.kind,
    pattern: g.pattern,
    everyResource: g.everyResource,
    conditional: g.conditional,
    // A partial pattern can reach dozens of actions; the first few say enough, the count says the rest.
    reaches: g.reaches.slice(0, 10),
    reachesCount: g.reaches.length,
  }));
}

/** "s3:* on every resource and * on the listed resources": each pattern with how far it reaches. */
function allowsWhat(grants: readonly WildcardGrant[]): string {
  const everywhere = grants.filter((g) => g.everyResource);
  const listed = grants.filter((g) => !g.everyResource);
  return [
    everywhere.length > 0 ? `${describeGrants(everywhere)} on every resource` : undefined,
    listed.length > 0 ? `${describeGrants(listed)} on the listed resources` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' and ');
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function inlinePolicyMatch(record: CloudTrailRecord, identity: Identity): DetectionMatch | undefined {
  const policyName = stringField(record, 'requestParameters', 'policyName');
  if (policyName === undefined) return undefined;
  const analysis = findWildcardGrants(field(record, 'requestParameters', 'policyDocument'));
  if (!analysis.ok || analysis.severity === undefined) return undefined;
  return {
    severity: analysis.severity,
    resource: identity.arn,
    scope: `inline:${policyName}`,
    summary:
      `${actorOf(record).arn} gave ${describeIdentity(identity)} the inline policy ${policyName}, which allows ` +
      `${allowsWhat(analysis.grants)} (${statementsOf(analysis.grants)}).`,
    details: { principal: identity.arn, policyName, grants: grantDetails(analysis.grants) },
  };
}

function attachedPolicyMatch(record: CloudTrailRecord, identity: Identity): DetectionMatch | undefined {
  const policyArn = stringField(record, 'requestParameters', 'policyArn');
  if (policyArn === undefined) return undefined;
  const wildcards = managedPolicyWildcards(policyArn);
  if (wildcards === undefined) return undefined;
  return {
    severity: wildcards.severity,
    resource: identity.arn,
    scope: `attached:${policyArn}`,
    summary:
      `${actorOf(record).arn} attached the AWS-managed policy ${awsManagedPolicyName(policyArn) ?? policyArn} to ` +
      `${describeIdentity(identity)}, which allows ${wildcards.patterns.slice(0, 4).join(', ')}${wildcards.patterns.length > 4 ? ' and more' : ''}.`,
    details: { principal: identity.arn, policyArn, patterns: wildcards.patterns },
  };
}

/** CreatePolicy names the new policy in its response; rebuild the ARN from path and name when it is missing. */
function customerPolicyArn(record: CloudTrailRecord): string | undefined {
  if (record.eventName === 'CreatePolicyVersion' || record.eventName === 'DeletePolicy') return stringField(record, 'requestParameters', 'policyArn');
  const fromResponse = stringField(record, 'responseElements', 'policy', 'arn');
  if (fromResponse !== undefined) return fromResponse;
  const name = stringField(record, 'requestParameters', 'policyName');
  if (name === undefined) return undefined;
  const path = stringField(record, 'requestParameters', 'path') ?? '/';
  return `arn:${partitionOf(record)}:iam::${accountOf(record)}:policy${path}${name}`;
}

function customerPolicyMatch(record: CloudTrailRecord): DetectionMatch | undefined {
  const policyArn = customerPolicyArn(record);
  if (policyArn === undefined) return undefined;
  const analysis = findWildcardGrants(field(record, 'requestParameters', 'policyDocument'));
  if (!analysis.ok || analysis.severity === undefined) return undefined;
  // CreatePolicy's first version is the default; CreatePolicyVersion's only when setAsDefault was given.
  const isDefault = record.eventName === 'CreatePolicy' || isTrue(field(record, 'requestParameters', 'setAsDefault'));
  const what = record.eventName === 'CreatePolicy' ? 'created the managed policy' : isDefault ? 'made a new default version of' : 'stored a new, not yet default, version of';
  return {
    severity: analysis.severity,
    resource: policyArn,
    scope: 'document',
    summary:
      `${actorOf(record).arn} ${what} ${policyArn}, which allows ${allowsWhat(analysis.grants)} ` +
      `(${statementsOf(analysis.grants)}); anyone it is attached to gets that access.`,
    details: { policyArn, defaultVersion: isDefault, versionId: stringField(record, 'responseElements', 'policyVersion', 'versionId'), grants: grantDetails(analysis.grants) },
  };
}

export const iamWildcardGrant: Detection = {
  id: 'iam-wildcard-grant',
  title: 'IAM policy grants wildcard permissions',
  severity: 'critical',
  description:
    'An IAM identity policy was written or attached that allows every action ("*"), every action of a service ("s3:*"), ' +
    'everything except a list (an Allow with NotAction), or a partial pattern ("iam:Put*") that reaches permissions-management ' +
    'actions on every resource. Whoever holds it can usually grant themselves more, so one such policy can hand over the account. ' +
    'AWS-managed policies are judged from their real documents (AdministratorAccess, PowerUserAccess, IAMFullAccess...).',
  remediation:
    'Confirm who made the change and whether it was intended. If not, remove the grant: ' +
    '`aws iam delete-user-policy --user-name USER --policy-name NAME` (or delete-role-policy / delete-group-policy), ' +
    '`aws iam detach-user-policy --user-name USER --policy-arn ARN` (or detach-role-policy / detach-group-policy), or for a ' +
    'customer-managed policy publish a narrower default version: `aws iam create-policy-version --policy-arn ARN ' +
    '--policy-document file://least-privilege.json --set-as-default`. Replace wildcards with the actions and resources the ' +
    'workload needs (IAM Access Analyzer policy generation can draft them from CloudTrail).',
  references: {
    cis: ['1.16'],
    securityHub: ['IAM.1', 'IAM.21'],
    mitreAttack: ['T1098', 'T1098.003'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
  },
  scoped: true,
  events: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: [
        'PutUserPolicy',
        'PutGroupPolicy',
        'PutRolePolicy',
        'CreatePolicy',
        'CreatePolicyVersion',
        'AttachUserPolicy',
        'AttachGroupPolicy',
        'AttachRolePolicy',
        'DeleteUserPolicy',
        'DeleteGroupPolicy',
        'DeleteRolePolicy',
        'DetachUserPolicy',
        'DetachGroupPolicy',
        'DetachRolePolicy',
        'DeletePolicy',
        'DeleteUser',
        'DeleteGroup',
        'DeleteRole',
      ],
    },
  ],

  evaluate(record) {
    switch (record.eventName) {
      case 'PutUserPolicy':
      case 'PutGroupPolicy':
      case 'PutRolePolicy': {
        const identity = identityOf(record);
        return identity === undefined ? undefined : inlinePolicyMatch(record, identity);
      }
      case 'AttachUserPolicy':
      case 'AttachGroupPolicy':
      case 'AttachRolePolicy': {
        const identity = identityOf(record);
        return identity === undefined ? undefined : attachedPolicyMatch(record, identity);
      }
      case 'CreatePolicy':
      case 'CreatePolicyVersion':
        return customerPolicyMatch(record);
      default:
        return undefined;
    }
  },

  resolves(record) {
    const removals: RiskRemoval[] = [];
    const identity = identityOf(record);
    const policyName = stringField(record, 'requestParameters', 'policyName');
    const policyArn = stringField(record, 'requestParameters', 'policyArn');
    switch (record.eventName) {
      case 'DeleteUserPolicy':
      case 'DeleteGroupPolicy':
      case 'DeleteRolePolicy':
        if (identity !== undefined && policyName !== undefined) removals.push({ resource: identity.arn, scope: `inline:${policyName}`, reason: 'inline policy deleted' });
        break;
      case 'PutUserPolicy':
      case 'PutGroupPolicy':
      case 'PutRolePolicy': {
        const analysis = findWildcardGrants(field(record, 'requestParameters', 'policyDocument'));
        if (identity !== undefined && policyName !== undefined && analysis.ok && analysis.grants.length === 0) {
          removals.push({ resource: identity.arn, scope: `inline:${policyName}`, reason: 'inline policy replaced by one without wildcard grants' });
        }
        break;
      }
      case 'DetachUserPolicy':
      case 'DetachGroupPolicy':
      case 'DetachRolePolicy':
        // Only AWS-managed attachments raise this rule; customer policies are judged where they are written.
        if (identity !== undefined && policyArn !== undefined && awsManagedPolicyName(policyArn) !== undefined) {
          removals.push({ resource: identity.arn, scope: `attached:${policyArn}`, reason: 'managed policy detached' });
        }
        break;
      case 'DeleteUser':
      case 'DeleteGroup':
      case 'DeleteRole':
        if (identity !== undefined) removals.push({ resource: identity.arn, reason: `IAM ${identity.kind} deleted` });
        break;
      case 'DeletePolicy':
        if (policyArn !== undefined) removals.push({ resource: policyArn, reason: 'managed policy deleted' });
        break;
      case 'CreatePolicyVersion': {
        const analysis = findWildcardGrants(field(record, 'requestParameters', 'policyDocument'));
        if (policyArn !== undefined && isTrue(field(record, 'requestParameters', 'setAsDefault')) && analysis.ok && analysis.grants.length === 0) {
          removals.push({ resource: policyArn, scope: 'document', reason: 'new default policy version without wildcard grants' });
        }
        break;
      }
      default:
        break;
    }
    return removals;
  },
};
