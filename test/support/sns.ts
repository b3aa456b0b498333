import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** What an SQS subscription received: SNS's envelope around the message. */
export interface Delivered {
  /** The SQS body, byte for byte. */
  readonly raw: string;
  readonly subject: string | null;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

export interface LocalSns {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly topicArn: string;
  /** A real SNS client on the endpoint (dummy credentials), with `maxAttempts` attempts. */
  client(maxAttempts?: number): SNSClient;
  /** Every message delivered to the queue subscribed to the topic since the last call. */
  drain(): Promise<Delivered[]>;
  /** Stops the emulator (SNS unreachable); `restart` brings it back on the same port with the same topic. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the emulator and releases every client (afterAll). */
  close(): Promise<void>;
}

/**
 * Starts fauxqs on 127.0.0.1 (one per test file) with one topic and an SQS queue subscribed to it,
 * created through the real SDK clients. fauxqs keeps state in memory: a restart creates them again.
 */
export async function startSns(topicName = 'warden-alerts'): Promise<LocalSns> {
  let server: FauxqsServer = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  const port = server.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: SNSClient[] = [];
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials });
  let running = true;
  let topicArn = '';
  let queueUrl = '';

  const setUp = async (): Promise<void> => {
    const sns = new SNSClient({ endpoint, region: 'us-east-1', credentials });
    try {
      topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn ?? '';
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${topicName}-inbox` }))).QueueUrl ?? '';
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'];
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    } finally {
      sns.destroy();
    }
  };
  await setUp();

  return {
    endpoint,
    get topicArn() {
      return topicArn;
    },
    client(maxAttempts = 2) {
      const client = new SNSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts, retryMode: 'standard' });
      clients.push(client);
      return client;
    },
    async drain() {
      const delivered: Delivered[] = [];
      for (;;) {
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = received.Messages ?? [];
        if (messages.length === 0) return delivered;
        for (const message of messages) {
          const raw = message.Body ?? '';
          const envelope = JSON.parse(raw) as { Subject: string | null; Message: string; MessageAttributes?: Record<string, { Value: string }> };
          delivered.push({
            raw,
            subject: envelope.Subject,
            message: envelope.Message,
            attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value])),
          });
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async close() {
      for (const client of clients) client.destroy();
      sqs.destroy();
      if (running) await server.stop();
      running = false;
    },
    async restart() {
      if (running) return;
      server = await startFauxqs({ port, logger: false, host: '127.0.0.1' });
      running = true;
      await setUp();
    },
  };
}
