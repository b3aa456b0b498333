import { roleTrustChangeOf } from '../../cloudtrail/role-trust.js';
import { accountOf, actorOf, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { analyseResourcePolicy, type ExposedStatement } from '../../policy/resource-policy.js';
import type { Detection, DetectionContext } from '../detection.js';

const MAX_NAMES = 10;

/** "a, b, c and 4 more". */
function namesOf(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * The trust statements that let accounts outside the boundary assume the role, or undefined when the
 * document cannot be read. Statements open to anyone are iam-role-trust-public's and left out here.
 */
function outsideStatements(record: CloudTrailRecord, context: DetectionContext, document: unknown): ExposedStatement[] | undefined {
  const analysis = analyseResourcePolicy(document, { boundary: context.boundary, ownAccount: accountOf(record) });
  return analysis.ok ? analysis.statements.filter((statement) => statement.exposure === 'outside') : undefined;
}

export const iamRoleTrustOutside: Detection = {
  id: 'iam-role-trust-outside',
  title: 'IAM role trusts an account outside the trusted accounts',
  severity: 'high',
  description:
    "A role's trust policy lets an AWS account that is neither this account nor one of the trusted accounts assume it: the " +
    'account itself (its root, or a bare account id, meaning any principal that account allows), one of its users or roles, or ' +
    'any caller pinned by a condition to an outside account or organization. Whoever assumes it gets every permission the role ' +
    'has, from outside your accounts, and the access survives password and key resets: a classic persistence backdoor. An ' +
    'sts:ExternalId condition changes nothing here: it is a string shared with the other party (protection against the confused ' +
    'deputy problem), not a limit on who may assume the role. Trust open to anyone is iam-role-trust-public; federated (OIDC, ' +
    'SAML) and service principals are not judged here.',
  remediation:
    'If the account is not a partner you mean to trust, remove it from the trust policy: `aws iam update-assume-role-policy ' +
    '--role-name ROLE --policy-document file://trust.json`, or delete the role if an attacker created it (`aws iam ' +
    'delete-role --role-name ROLE` after detaching its policies). If it is a legitimate partner, add the account to the trusted ' +
    'accounts. Check CloudTrail for AssumeRole calls on the role from that account.',
  references: {
    mitreAttack: ['T1098', 'T1199'],
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['CreateRole', 'UpdateAssumeRolePolicy', 'DeleteRole'] }],

  evaluate(record, context) {
    if (record.eventName !== 'CreateRole' && record.eventName !== 'UpdateAssumeRolePolicy') return undefined;
    const role = roleTrustChangeOf(record);
    if (role === undefined) return undefined;
    const statements = outsideStatements(record, context, role.document);
    if (statements === undefined || statements.length === 0) return undefined;
    const outside = [...new Set(statements.flatMap((statement) => statement.principals))];
    const verb = record.eventName === 'CreateRole' ? 'created role' : 'changed the trust policy of role';
    return {
      severity: 'high',
      resource: role.arn,
      summary: `${actorOf(record).arn} ${verb} ${role.name} so that ${namesOf(outside)}, outside the trusted accounts, can assume it.`,
      // Small evidence: a trust policy may list many accounts.
      details: {
        role: role.name,
        outside: outside.slice(0, MAX_NAMES),
        ...(outside.length > MAX_NAMES ? { outsideNotShown: outside.length - MAX_NAMES } : {}),
        statements: statements.slice(0, MAX_NAMES).map(({ label, reason }) => ({ statement: label, reason })),
      },
    };
  },

  resolves(record, context) {
    const role = roleTrustChangeOf(record);
    if (role === undefined) return [];
    if (record.eventName === 'DeleteRole') return [{ resource: role.arn, reason: 'role deleted' }];
    if (record.eventName !== 'UpdateAssumeRolePolicy') return [];
    // An unreadable document closes nothing: an unrecognised shape must never close a finding.
    const statements = outsideStatements(record, context, role.document);
    return statements !== undefined && statements.length === 0
      ? [{ resource: role.arn, reason: 'trust policy no longer names an account outside the trusted accounts' }]
      : [];
  },
};
