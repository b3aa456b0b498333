import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const logGroupArn = (name: string) => `arn:aws:logs:eu-west-1:${EXAMPLE_ACCOUNT}:log-group:${name}`;
/** DeleteLogGroup names the group in `logGroupName`; its response is empty (CloudWatch Logs API reference). */
const deleteLogGroup = (logGroupName: string, overrides: object = {}) =>
  exampleEvent('logs.amazonaws.com', 'DeleteLogGroup', { requestParameters: { logGroupName }, ...overrides });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'the console’s default trail log group',
      record: deleteLogGroup(`aws-cloudtrail-logs-${EXAMPLE_ACCOUNT}-8f3e2a1b`),
      expect: { severity: 'high', resource: logGroupArn(`aws-cloudtrail-logs-${EXAMPLE_ACCOUNT}-8f3e2a1b`) },
    },
    {
      name: 'Control Tower’s trail log group, by a role',
      record: deleteLogGroup('aws-controltower/CloudTrailLogs', { userIdentity: exampleIdentities.assumedRole }),
      expect: { resource: logGroupArn('aws-controltower/CloudTrailLogs') },
    },
    { name: 'a group named in capitals', record: deleteLogGroup('/org/CLOUDTRAIL'), expect: { resource: logGroupArn('/org/CLOUDTRAIL') } },
  ],
  negative: [
    { name: 'a Lambda function’s log group', record: deleteLogGroup('/aws/lambda/orders-api') },
    {
      name: 'a CloudTrail log group created',
      record: exampleEvent('logs.amazonaws.com', 'CreateLogGroup', { requestParameters: { logGroupName: 'aws-cloudtrail-logs-main' } }),
    },
    {
      name: 'a log stream of a CloudTrail group deleted',
      record: exampleEvent('logs.amazonaws.com', 'DeleteLogStream', {
        requestParameters: { logGroupName: 'aws-cloudtrail-logs-main', logStreamName: `${EXAMPLE_ACCOUNT}_CloudTrail_eu-west-1` },
      }),
    },
    { name: 'no group named', record: exampleEvent('logs.amazonaws.com', 'DeleteLogGroup', { requestParameters: {} }) },
  ],
};
