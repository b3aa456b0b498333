import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';

/** A CloudTrail record as EventBridge delivers it to a Lambda target. */
export function asEventBridgeEvent(record: CloudTrailRecord, id = `eb-${record.eventID}`): EventBridgeEvent<string, CloudTrailRecord> {
  const detailType = record.eventSource === 'signin.amazonaws.com' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail';
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: `aws.${record.eventSource.split('.')[0]}`,
    account: String(record['recipientAccountId'] ?? '111122223333'),
    time: record.eventTime,
    region: String(record['awsRegion'] ?? 'us-east-1'),
    resources: [],
    detail: record,
  };
}

/** What an EventBridge schedule delivers to a scheduled function. */
export function scheduledEvent(account: string): EventBridgeEvent<'Scheduled Event', Record<string, never>> {
  return {
    version: '0',
    id: 'sched-1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

/** A fixed Lambda context, so handler tests run the real middleware chain deterministically. */
export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'iam-warden-test-detect',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:iam-warden-test-detect',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/iam-warden-test-detect',
  logStreamName: '2026/11/24/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
