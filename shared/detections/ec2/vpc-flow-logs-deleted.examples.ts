import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const flowLogArn = (id: string) => `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:vpc-flow-log/${id}`;
/** The XML-derived shape EC2 records for this Query API call, as in Stratus Red Team's detonation log. */
const deleteFlowLogs = (flowLogId: object | object[], unsuccessful: unknown = '') =>
  exampleEvent('ec2.amazonaws.com', 'DeleteFlowLogs', {
    requestParameters: { DeleteFlowLogsRequest: { FlowLogId: flowLogId } },
    responseElements: {
      DeleteFlowLogsResponse: { requestId: 'c1d2e3f4-0000-4000-8000-000000000001', unsuccessful, xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/' },
    },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'one flow log deleted (XML-derived shape)',
      record: deleteFlowLogs({ content: 'fl-0e17aa62a21d4bbfe', tag: 1 }),
      expect: { severity: 'medium', resource: flowLogArn('fl-0e17aa62a21d4bbfe') },
    },
    {
      name: 'two flow logs deleted in one call: filed on the first',
      record: deleteFlowLogs([
        { content: 'fl-0a1b2c3d4e5f60718', tag: 1 },
        { content: 'fl-0b99f482856f6f98b', tag: 2 },
      ]),
      expect: { resource: flowLogArn('fl-0a1b2c3d4e5f60718') },
    },
    {
      name: 'flow logs deleted (camelCase shape) by a role',
      record: exampleEvent('ec2.amazonaws.com', 'DeleteFlowLogs', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { flowLogIds: ['fl-0c2d3e4f5a6b7c8d9'] },
      }),
      expect: { resource: flowLogArn('fl-0c2d3e4f5a6b7c8d9') },
    },
    {
      name: 'one of two deleted, the other listed as unsuccessful',
      record: deleteFlowLogs(
        [
          { content: 'fl-0a1b2c3d4e5f60718', tag: 1 },
          { content: 'fl-0b99f482856f6f98b', tag: 2 },
        ],
        {
          item: { error: { code: 'InvalidFlowLogId.NotFound', message: 'Flow log fl-0a1b2c3d4e5f60718 does not exist' }, resourceId: 'fl-0a1b2c3d4e5f60718' },
        },
      ),
      expect: { resource: flowLogArn('fl-0b99f482856f6f98b') },
    },
  ],
  negative: [
    {
      name: 'the only flow log listed as unsuccessful',
      record: deleteFlowLogs(
        { content: 'fl-0e17aa62a21d4bbfe', tag: 1 },
        { item: [{ error: { code: 'InvalidFlowLogId.NotFound' }, resourceId: 'fl-0e17aa62a21d4bbfe' }] },
      ),
    },
    { name: 'no flow log id', record: exampleEvent('ec2.amazonaws.com', 'DeleteFlowLogs', { requestParameters: { DeleteFlowLogsRequest: {} } }) },
    {
      name: 'a flow log created',
      record: exampleEvent('ec2.amazonaws.com', 'CreateFlowLogs', {
        requestParameters: {
          CreateFlowLogsRequest: { ResourceId: { content: 'vpc-0a1b2c3d', tag: 1 }, ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 's3' },
        },
      }),
    },
    {
      name: 'flow logs described',
      record: exampleEvent('ec2.amazonaws.com', 'DescribeFlowLogs', { requestParameters: { DescribeFlowLogsRequest: '' }, readOnly: true }),
    },
  ],
};
