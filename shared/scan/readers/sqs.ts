import { GetQueueAttributesCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const SQS = 'sqs.amazonaws.com';

/** ListQueues' largest page (SQS API reference: MaxResults 1 to 1000). */
const PAGE_SIZE = 1000;

/**
 * Who may use the account's SQS queues in one region: each queue's access policy (its `Policy`
 * attribute) as the SetQueueAttributes that would set it (sqs-queue-exposed, the finding of the whole
 * policy). A queue without a policy presents nothing. One attribute call per queue.
 *
 * The state is one document: which of its statements AddPermission added (one finding per label for
 * the events) cannot be told from a policy written whole, which is how queues usually get theirs, so
 * the scan judges the whole policy and a label's finding is resolved into the policy's.
 */
export const sqsReader: StateReader = {
  id: 'sqs',
  reach: 'regional',
  ruleIds: ['sqs-queue-exposed'],
  permissions: ['sqs:ListQueues', 'sqs:GetQueueAttributes'],

  async read(target, sink) {
    const client = new SQSClient(target.clientConfig);
    try {
      for await (const page of paginateListQueues({ client, pageSize: PAGE_SIZE }, {})) {
        const urls = page.QueueUrls ?? [];
        await mapBounded(urls, target.concurrency, (url) => readQueue(client, url, target, sink));
        sink.progress('queues', urls.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One queue's policy, as the call that would set it. */
function readQueue(client: SQSClient, url: string, target: ReadTarget, sink: StateSink): Promise<void> {
  return readResource(sink, queueArn(url, target), async () => {
    const { Attributes: attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
    const policy = attributes?.Policy;
    if (policy === undefined || policy === '') return undefined;
    return { eventSource: SQS, eventName: 'SetQueueAttributes', requestParameters: { queueUrl: url, attributes: { Policy: policy } } };
  });
}

/** The queue's ARN as the rule builds it from the URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
function queueArn(url: string, target: ReadTarget): string {
  const [name = '', account = target.account] = url.split('/').reverse();
  return `arn:${target.partition}:sqs:${target.region}:${account}:${name}`;
}
