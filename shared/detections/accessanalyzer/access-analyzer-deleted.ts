import { accountOf, actorOf, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** The analyzer the request names, as its ARN (an analyzer's name is its id within the Region). */
function analyzerOf(record: CloudTrailRecord): { name: string; arn: string } | undefined {
  const name = stringField(record, 'requestParameters', 'analyzerName');
  if (name === undefined || name === '') return undefined;
  return { name, arn: `arn:${partitionOf(record)}:access-analyzer:${regionOf(record)}:${accountOf(record)}:analyzer/${name}` };
}

export const accessAnalyzerDeleted: Detection = {
  id: 'access-analyzer-deleted',
  title: 'IAM Access Analyzer analyzer deleted',
  severity: 'medium',
  description:
    'An IAM Access Analyzer analyzer was deleted. Depending on its type it reported resources shared outside the account or ' +
    'organisation, or unused access; in that Region nothing reports them any more, and its findings and archive rules are gone. ' +
    'Medium rather than high: it blinds a posture check, not threat detection or the audit trail, and iam-warden still sees the ' +
    'sharing events it covers. Only an analyzer re-created with the same name (the same ARN) closes the finding: the deletion does ' +
    "not log the analyzer's type or zone of trust, so a differently named analyzer may watch something else; check it, then " +
    'resolve the finding by hand.',
  remediation:
    'Re-create it with the same name and type, e.g. `aws accessanalyzer create-analyzer --analyzer-name NAME --type ACCOUNT ' +
    '--region REGION` (ORGANIZATION from the management or delegated administrator account; ACCOUNT_UNUSED_ACCESS or ' +
    'ORGANIZATION_UNUSED_ACCESS for unused access), restore its archive rules, and review the findings it reports again. Keep an ' +
    'external access analyzer in every Region you use.',
  references: {
    cis: ['1.20'],
    securityHub: ['IAM.28'],
    mitreAttack: ['T1562.001'],
    links: ['https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_DeleteAnalyzer.html'],
  },
  scoped: false,
  events: [{ eventSource: 'access-analyzer.amazonaws.com', eventNames: ['DeleteAnalyzer', 'CreateAnalyzer'] }],

  evaluate(record) {
    if (record.eventName !== 'DeleteAnalyzer') return undefined;
    const analyzer = analyzerOf(record);
    if (analyzer === undefined) return undefined;
    const region = regionOf(record);
    return {
      severity: 'medium',
      resource: analyzer.arn,
      summary: `${actorOf(record).arn} deleted IAM Access Analyzer analyzer ${analyzer.name} in ${region}: what it reported there is no longer reported.`,
      details: { analyzerName: analyzer.name, region },
    };
  },

  resolves(record) {
    if (record.eventName !== 'CreateAnalyzer') return [];
    const analyzer = analyzerOf(record);
    return analyzer === undefined ? [] : [{ resource: analyzer.arn, reason: 'analyzer re-created with the same name' }];
  },
};
