import { accountOf, actorOf, regionOf, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** The Region's hub: Security Hub has one per account and Region, always named "default". */
function hubArnOf(record: CloudTrailRecord): string {
  return `arn:${partitionOf(record)}:securityhub:${regionOf(record)}:${accountOf(record)}:hub/default`;
}

export const securityhubDisabled: Detection = {
  id: 'securityhub-disabled',
  title: 'Security Hub disabled',
  severity: 'high',
  description:
    'Security Hub was disabled in a Region. Its security checks stop there, findings from GuardDuty, Inspector, Access Analyzer and ' +
    'others are no longer gathered in one place (nor sent on to the administrator account), and the existing findings, insights and ' +
    'settings are deleted after 90 days. Not caught: standards turned off one at a time (BatchDisableStandards can turn off several ' +
    'in one call, and a detection raises one finding per event, so it could not tell them apart), a member leaving its ' +
    'administrator, or the newer Security Hub (DisableSecurityHubV2), whose hub ARN carries an id the event does not log.',
  remediation:
    'Enable it again in that Region: `aws securityhub enable-security-hub --enable-default-standards --region REGION` (or let the ' +
    "organisation's delegated administrator enable it with central configuration, which members cannot undo), turn the standards " +
    'you used back on with `aws securityhub batch-enable-standards`, re-associate the account with the administrator, and export ' +
    'findings you need before the 90 days pass. Review what the actor did around the change.',
  references: {
    cis: ['4.16'],
    mitreAttack: ['T1562.001'],
    links: ['https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DisableSecurityHub.html'],
  },
  scoped: false,
  events: [{ eventSource: 'securityhub.amazonaws.com', eventNames: ['DisableSecurityHub', 'EnableSecurityHub'] }],

  evaluate(record) {
    if (record.eventName !== 'DisableSecurityHub') return undefined;
    const region = regionOf(record);
    return {
      severity: 'high',
      resource: hubArnOf(record),
      summary: `${actorOf(record).arn} disabled Security Hub in ${region}: its checks stop there and its findings are deleted after 90 days.`,
      details: { region },
    };
  },

  resolves(record) {
    return record.eventName === 'EnableSecurityHub' ? [{ resource: hubArnOf(record), reason: 'Security Hub enabled again' }] : [];
  },
};
