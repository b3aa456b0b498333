import { roleTrustChangeOf } from '../../cloudtrail/role-trust.js';
import { actorOf } from '../../cloudtrail/record.js';
import { analyseTrustPolicy } from '../../policy/trust-policy.js';
import type { Detection } from '../detection.js';

export const iamRoleTrustPublic: Detection = {
  id: 'iam-role-trust-public',
  title: 'IAM role can be assumed by anyone',
  severity: 'critical',
  description:
    'A role\'s trust policy lets anyone assume it: any AWS account (Principal "*" not pinned to your organisation or accounts), ' +
    'any GitHub repository (GitHub Actions OIDC without a sub condition naming your organisation), or any Cognito identity pool. ' +
    'Whoever assumes it gets every permission the role has. This is a favourite backdoor: it survives password and key resets.',
  remediation:
    'Pin the trust policy to who should assume the role, then update it: `aws iam update-assume-role-policy --role-name ROLE ' +
    '--policy-document file://trust.json`, with a Principal naming your accounts or roles, or a condition such as ' +
    '`"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}`; for GitHub Actions, `"StringLike": ' +
    '{"token.actions.githubusercontent.com:sub": "repo:YOUR-ORG/YOUR-REPO:*"}`. Check CloudTrail for AssumeRole calls on the role ' +
    'from unknown accounts while it was open.',
  references: {
    securityHub: ['IAM.1'],
    mitreAttack: ['T1098', 'T1078.004'],
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['CreateRole', 'UpdateAssumeRolePolicy', 'DeleteRole'] }],

  evaluate(record) {
    if (record.eventName !== 'CreateRole' && record.eventName !== 'UpdateAssumeRolePolicy') return undefined;
    const role = roleTrustChangeOf(record);
    if (role === undefined) return undefined;
    const analysis = analyseTrustPolicy(role.document);
    if (!analysis.ok || !analysis.public) return undefined;
    const first = analysis.statements[0];
    const verb = record.eventName === 'CreateRole' ? 'created role' : 'changed the trust policy of role';
    return {
      severity: 'critical',
      resource: role.arn,
      summary: `${actorOf(record).arn} ${verb} ${role.name} so that anyone can assume it (${first?.label}: ${first?.reason}).`,
      details: { role: role.name, statements: analysis.statements },
    };
  },

  resolves(record) {
    const role = roleTrustChangeOf(record);
    if (role === undefined) return [];
    if (record.eventName === 'DeleteRole') return [{ resource: role.arn, reason: 'role deleted' }];
    if (record.eventName !== 'UpdateAssumeRolePolicy') return [];
    const analysis = analyseTrustPolicy(role.document);
    return analysis.ok && !analysis.public ? [{ resource: role.arn, reason: 'trust policy no longer lets anyone assume the role' }] : [];
  },
};
