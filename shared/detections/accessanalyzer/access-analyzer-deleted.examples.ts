import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const analyzerArn = `arn:aws:access-analyzer:eu-west-1:${EXAMPLE_ACCOUNT}:analyzer/ExternalAccess`;
const analyzer = (eventName: string, requestParameters: object | null, responseElements: object | null = null, overrides: object = {}) =>
  exampleEvent('access-analyzer.amazonaws.com', eventName, { requestParameters, responseElements, ...overrides });
const create = (analyzerName: string) =>
  analyzer(
    'CreateAnalyzer',
    { analyzerName, type: 'ACCOUNT', clientToken: '11111111-abcd-2222-abcd-222222222222' },
    { arn: `arn:aws:access-analyzer:eu-west-1:${EXAMPLE_ACCOUNT}:analyzer/${analyzerName}` },
  );

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'analyzer deleted',
      record: analyzer('DeleteAnalyzer', { analyzerName: 'ExternalAccess', clientToken: '11111111-abcd-2222-abcd-333333333333' }),
      expect: { severity: 'medium', resource: analyzerArn },
    },
    {
      name: 'analyzer deleted by an assumed role',
      record: analyzer('DeleteAnalyzer', { analyzerName: 'ExternalAccess' }, null, { userIdentity: exampleIdentities.assumedRole }),
      expect: { resource: analyzerArn },
    },
  ],
  negative: [
    { name: 'analyzer created', record: create('ExternalAccess') },
    { name: 'deletion naming no analyzer', record: analyzer('DeleteAnalyzer', null) },
    {
      name: 'archive rule deleted',
      record: analyzer('DeleteArchiveRule', {
        analyzerName: 'ExternalAccess',
        ruleName: 'ArchiveTrustedPartner',
        clientToken: '11111111-abcd-2222-abcd-444444444444',
      }),
    },
    { name: 'analyzer read', record: analyzer('GetAnalyzer', { analyzerName: 'ExternalAccess' }, null, { readOnly: true }) },
  ],
  resolving: [
    { name: 'analyzer re-created with the same name', record: create('ExternalAccess'), removes: [{ resource: analyzerArn }] },
    {
      name: 'a differently named analyzer addresses its own name, not the deleted one',
      record: create('ExternalAccessNew'),
      removes: [{ resource: `arn:aws:access-analyzer:eu-west-1:${EXAMPLE_ACCOUNT}:analyzer/ExternalAccessNew` }],
    },
  ],
};
