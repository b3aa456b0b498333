import { accountOf, actorOf, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import { statementLabel } from '../../policy/document.js';
import { awsManagedPolicyName, managedPolicyWildcards } from '../../policy/managed-policies.js';
import { attachedPolicyVersion, versionMadeDefault, writtenPolicyVersion } from '../../policy/policy-versions.js';
import { describeGrants, findWildcardGrants, type WildcardGrant } from '../../policy/wildcard-grants.js';
import { SEVERITIES, type Detection, type DetectionMatch, type RiskRemoval, type Severity } from '../detection.js';

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
    selfEscalation: g.selfEscalation,
    conditional: g.conditional,
    // A partial pattern can reach dozens of actions: the first few say enough, the count says the rest.
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

/** " With iam:PutUserPolicy... on every IAM resource, a holder can make itself administrator.", when so. */
function escalationNote(grants: readonly WildcardGrant[]): string {
  const actions = [...new Set(grants.flatMap((g) => g.selfEscalation))];
  if (actions.length === 0) return '';
  const shown = actions.length > 3 ? `${actions.slice(0, 3).join(', ')}...` : actions.join(', ');
  return ` With ${shown} on every IAM resource, a holder can make itself administrator.`;
}

/** What a document allows, for summaries: "which allows s3:* on every resource (statement 0)." */
function allowsSentence(grants: readonly WildcardGrant[]): string {
  return `which allows ${allowsWhat(grants)} (${statementsOf(grants)})`;
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
    summary: `${actorOf(record).arn} gave ${describeIdentity(identity)} the inline policy ${policyName}, ${allowsSentence(analysis.grants)}.${escalationNote(analysis.grants)}`,
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

/** A version in force is judged at the document's severity; a stored one, one call from being in force, one lower. */
function storedVersionSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(severity) - 1)] ?? severity;
}

/** The scope of a stored, non-default version's finding: that version, until it is deleted. */
const versionScope = (versionId: string | undefined): string => `version:${versionId ?? 'unrecorded'}`;

function customerPolicyMatch(record: CloudTrailRecord): DetectionMatch | undefined {
  const written = writtenPolicyVersion(record);
  if (written === undefined) return undefined;
  const analysis = findWildcardGrants(written.document);
  if (!analysis.ok || analysis.severity === undefined) return undefined;
  const { policyArn, versionId, isDefault } = written;
  const actor = actorOf(record).arn;
  const details = { policyArn, versionId, defaultVersion: isDefault, grants: grantDetails(analysis.grants) };
  if (!isDefault) {
    return {
      severity: storedVersionSeverity(analysis.severity),
      resource: policyArn,
      scope: versionScope(versionId),
      summary:
        `${actor} stored version ${versionId ?? '(id not recorded)'} of ${policyArn}, not the default, ${allowsSentence(analysis.grants)}. ` +
        `It is not in force, but anyone allowed iam:SetDefaultPolicyVersion on the policy can make it so in one call: delete it unless it is needed.${escalationNote(analysis.grants)}`,
      details,
    };
  }
  const what = record.eventName === 'CreatePolicy' ? 'created the managed policy' : 'made a new default version of';
  return {
    severity: analysis.severity,
    resource: policyArn,
    scope: 'document',
    summary: `${actor} ${what} ${policyArn}, ${allowsSentence(analysis.grants)}; anyone it is attached to gets that access.${escalationNote(analysis.grants)}`,
    details,
  };
}

/** SetDefaultPolicyVersion names only the version: judged when the enrichment attached its document. */
function defaultVersionMatch(record: CloudTrailRecord): DetectionMatch | undefined {
  const key = versionMadeDefault(record);
  const attached = attachedPolicyVersion(record);
  if (key === undefined || attached === undefined) return undefined;
  const analysis = findWildcardGrants(attached.document);
  if (!analysis.ok || analysis.severity === undefined) return undefined;
  return {
    severity: analysis.severity,
    resource: key.policyArn,
    scope: 'document',
    summary:
      `${actorOf(record).arn} made version ${key.versionId} the default of ${key.policyArn}, ${allowsSentence(analysis.grants)}; ` +
      `anyone it is attached to gets that access now.${escalationNote(analysis.grants)}`,
    details: { policyArn: key.policyArn, versionId: key.versionId, defaultVersion: true, documentFrom: attached.source, grants: grantDetails(analysis.grants) },
  };
}

/** A readable document without any wildcard grant: the only kind that may close a finding. */
function hasNoWildcardGrant(document: unknown): boolean {
  const analysis = findWildcardGrants(document);
  return analysis.ok && analysis.grants.length === 0;
}

export const iamWildcardGrant: Detection = {
  id: 'iam-wildcard-grant',
  title: 'IAM policy grants wildcard permissions',
  severity: 'critical',
  description:
    'An IAM identity policy was written or attached that allows every action ("*"), every action of a service ("s3:*"), ' +
    'everything except a list (an Allow with NotAction), or a partial pattern ("iam:Put*") that reaches permissions-management ' +
    'actions on every resource. Whoever holds it can usually grant themselves more, so one such policy can hand over the account. ' +
    'Critical for every action on every resource, and for any grant that lets a holder make itself administrator (iam:*, ' +
    'iam:Put*Policy, iam:Attach*Policy or iam:CreatePolicyVersion on every IAM resource, as severe as PowerUserAccess); high otherwise. ' +
    '"Every resource" is Resource "*", an ARN pattern that covers every resource of the service ("arn:aws:s3:::*", ' +
    '"arn:aws:iam::*:*"), or a NotResource that leaves some out ("NotResource": "*" grants nothing). ' +
    'AWS-managed policies are judged from their real documents (AdministratorAccess, PowerUserAccess, IAMFullAccess...). ' +
    'A customer-managed policy version stored without being made the default is raised one severity lower, as its own finding ' +
    "(scope version:ID), until it is deleted; SetDefaultPolicyVersion is judged when the version's document is known (seen " +
    'earlier by the same process, or read with iam:GetPolicyVersion by the deployed function) and skipped otherwise. ' +
    'Not caught: exact actions on "*" (iam:PutUserPolicy without a wildcard), a named account or resource type in the ' +
    'ARN ("arn:aws:iam::111122223333:*", "user/*", read as listed resources), and Conditions, which are reported but not evaluated.',
  remediation:
    'Confirm who made the change and whether it was intended. If not, remove the grant: ' +
    '`aws iam delete-user-policy --user-name USER --policy-name NAME` (or delete-role-policy / delete-group-policy), ' +
    '`aws iam detach-user-policy --user-name USER --policy-arn ARN` (or detach-role-policy / detach-group-policy), or for a ' +
    'customer-managed policy publish a narrower default version: `aws iam create-policy-version --policy-arn ARN ' +
    '--policy-document file://least-privilege.json --set-as-default` (or `aws iam set-default-policy-version --policy-arn ARN ' +
    '--version-id vN` back to a safe one). Delete a stored wildcard version: `aws iam delete-policy-version --policy-arn ARN ' +
    '--version-id vN`. Replace wildcards with the actions and resources the workload needs (IAM Access Analyzer policy ' +
    'generation can draft them from CloudTrail).',
  references: {
    cis: ['1.16'],
    securityHub: ['IAM.1', 'IAM.21'],
    mitreAttack: ['T1098', 'T1098.003'],
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/policies-managed-versions.html',
    ],
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
        'SetDefaultPolicyVersion',
        'AttachUserPolicy',
        'AttachGroupPolicy',
        'AttachRolePolicy',
        'DeleteUserPolicy',
        'DeleteGroupPolicy',
        'DeleteRolePolicy',
        'DetachUserPolicy',
        'DetachGroupPolicy',
        'DetachRolePolicy',
        'DeletePolicyVersion',
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
      case 'SetDefaultPolicyVersion':
        return defaultVersionMatch(record);
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
        if (identity !== undefined && policyName !== undefined)
          removals.push({ resource: identity.arn, scope: `inline:${policyName}`, reason: 'inline policy deleted' });
        break;
      case 'PutUserPolicy':
      case 'PutGroupPolicy':
      case 'PutRolePolicy':
        if (identity !== undefined && policyName !== undefined && hasNoWildcardGrant(field(record, 'requestParameters', 'policyDocument'))) {
          removals.push({ resource: identity.arn, scope: `inline:${policyName}`, reason: 'inline policy replaced by one without wildcard grants' });
        }
        break;
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
      case 'DeletePolicyVersion': {
        const versionId = stringField(record, 'requestParameters', 'versionId');
        if (policyArn !== undefined && versionId !== undefined)
          removals.push({ resource: policyArn, scope: versionScope(versionId), reason: 'policy version deleted' });
        break;
      }
      case 'CreatePolicyVersion': {
        const written = writtenPolicyVersion(record);
        if (written?.isDefault === true && hasNoWildcardGrant(written.document)) {
          removals.push({ resource: written.policyArn, scope: 'document', reason: 'new default policy version without wildcard grants' });
        }
        break;
      }
      case 'SetDefaultPolicyVersion': {
        // Only a known document without wildcards closes the finding; an unknown one proves nothing.
        const key = versionMadeDefault(record);
        const attached = attachedPolicyVersion(record);
        if (key !== undefined && attached !== undefined && hasNoWildcardGrant(attached.document)) {
          removals.push({ resource: key.policyArn, scope: 'document', reason: `default policy version set to ${key.versionId}, without wildcard grants` });
        }
        break;
      }
      default:
        break;
    }
    return removals;
  },
};
