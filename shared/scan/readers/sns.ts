import { GetTopicAttributesCommand, paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { StateReader, StateSink } from '../reader.js';

const SNS = 'sns.amazonaws.com';

/**
 * Who may use the account's SNS topics in one region: each topic's access policy (its `Policy`
 * attribute) as the SetTopicAttributes that would set it (sns-topic-exposed). A topic always has a
 * policy (SNS writes a default one limited to the topic's own account by aws:SourceOwner), so each
 * topic presents one change and the rule judges it; grants made with AddPermission are statements of
 * the same document. One attribute call per topic.
 */
export const snsReader: StateReader = {
  id: 'sns',
  reach: 'regional',
  ruleIds: ['sns-topic-exposed'],
  permissions: ['sns:ListTopics', 'sns:GetTopicAttributes'],

  async read(target, sink) {
    const client = new SNSClient(target.clientConfig);
    try {
      // ListTopics returns up to 100 topics a page and takes no page size (SNS API reference).
      for await (const page of paginateListTopics({ client }, {})) {
        const arns = (page.Topics ?? []).flatMap((topic) => topic.TopicArn ?? []);
        await mapBounded(arns, target.concurrency, (arn) => readTopic(client, arn, sink));
        sink.progress('topics', arns.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One topic's policy, as the call that would set it. */
function readTopic(client: SNSClient, arn: string, sink: StateSink): Promise<void> {
  return readResource(sink, arn, async () => {
    const { Attributes: attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    const policy = attributes?.['Policy'];
    if (policy === undefined || policy === '') return undefined;
    return { eventSource: SNS, eventName: 'SetTopicAttributes', requestParameters: { topicArn: arn, attributeName: 'Policy', attributeValue: policy } };
  });
}
