import type { MessageAttributeValue, SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import type { AlertChannel, AlertContent, Delivery, FailureKind, Outgoing } from '../channel.js';
import type { ChannelType } from './catalogue.js';

/** SNS's limit for one message: 256 KiB, counted in UTF-8 bytes. Subject and attributes are counted too, to be safe. */
export const MAX_MESSAGE_BYTES = 262_144;

/**
 * One Publish with `MessageStructure: "json"`: a body per protocol. `email` is plain text, `https`
 * (how Chatbot subscribes) the custom notification, `default` the JSON for machines. SNS gives every
 * protocol without its own key (sqs, lambda, email-json, firehose, application...) the `default`
 * body, so machines get the JSON without it being repeated under `sqs` and `lambda`, which would
 * triple the size for nothing.
 */
export interface SnsMessage {
  readonly subject: string;
  /** Publish's Message: one body per protocol, as a JSON object. */
  readonly message: string;
  /** What subscription filter policies match on (for example `{"severity":["critical"]}`). */
  readonly attributes: Record<string, MessageAttributeValue>;
  /** Message + Subject + attributes, in UTF-8 bytes: at most the limit it was formatted for. */
  readonly bytes: number;
}

/** The fullest rendition that fits in `maxBytes` (the minimal one always does). Pure. */
export function snsMessage(outgoing: Outgoing, maxBytes = MAX_MESSAGE_BYTES): SnsMessage {
  let message: SnsMessage | undefined;
  for (const content of outgoing.renditions(maxBytes)) {
    message = messageOf(content);
    if (message.bytes <= maxBytes) return message;
  }
  if (message === undefined) throw new Error('an alert has at least one rendition');
  return message;
}

function messageOf(content: AlertContent): SnsMessage {
  const message = JSON.stringify({ default: content.json, email: content.text, https: JSON.stringify(content.chat) });
  // SNS refuses an empty attribute value.
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value === '' ? 'unknown' : value });
  const { severity, ruleId, account, region, kind } = content.labels;
  const attributes = { severity: text(severity), ruleId: text(ruleId), account: text(account), region: text(region), kind: text(kind) };
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.StringValue ?? '') + 6,
    0,
  );
  return { subject: content.subject, message, attributes, bytes: Buffer.byteLength(message) + Buffer.byteLength(content.subject) + attributeBytes };
}

/**
 * The body SNS delivers to a subscription of `protocol` for a `MessageStructure: "json"` message:
 * the protocol's own key, else `default`. (fauxqs delivers the whole JSON instead; tests use this.)
 */
export function bodyForProtocol(message: string, protocol: string): string {
  const structure = JSON.parse(message) as Record<string, unknown>;
  const body = Object.hasOwn(structure, protocol) ? structure[protocol] : structure['default'];
  if (typeof body !== 'string') throw new Error(`message has no body for ${protocol} and no default`);
  return body;
}

export interface SnsChannelOptions {
  readonly topicArn: string;
  /** A client passed in (tests: an emulator's endpoint); by default one is built with `maxAttempts` and `region` (default: the topic's). */
  readonly client?: SNSClient;
  readonly maxAttempts?: number;
  readonly region?: string;
}

/** Publishes each alert to an SNS topic: email, Chatbot (Slack, Teams) and machines subscribe to it. */
export class SnsChannel implements AlertChannel<SnsMessage> {
  readonly name = 'SNS';
  readonly destination: string;
  /** Built at the first delivery: the AWS SDK loads when an alert is sent, not when a command that may send one starts. */
  private client: SNSClient | undefined;
  private readonly owned: boolean;
  private readonly config: SNSClientConfig;

  constructor(options: SnsChannelOptions) {
    this.destination = options.topicArn;
    this.client = options.client;
    this.owned = options.client === undefined;
    // The SDK's standard retry mode: exponential backoff with jitter, throttling retried.
    // AWS_ENDPOINT_URL_SNS overrides the endpoint, as the SDK supports.
    const region = options.region ?? regionOfTopic(options.topicArn);
    this.config = { retryMode: 'standard', maxAttempts: options.maxAttempts ?? 4, ...(region === undefined ? {} : { region }) };
  }

  format(outgoing: Outgoing): SnsMessage {
    return snsMessage(outgoing);
  }

  async deliver(message: SnsMessage): Promise<Delivery> {
    const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
    this.client ??= new SNSClient(this.config);
    const result = await this.client.send(
      new PublishCommand({
        TopicArn: this.destination,
        Subject: message.subject,
        Message: message.message,
        MessageStructure: 'json',
        MessageAttributes: message.attributes,
      }),
    );
    return { messageId: result.MessageId };
  }

  classify(error: unknown): FailureKind {
    return isPermanentSnsError(error) ? 'permanent' : 'transient';
  }

  close(): void {
    if (this.owned) this.client?.destroy();
  }
}

/**
 * SNS errors a retry cannot fix: the message or a parameter is invalid (too large included), the
 * topic does not exist, the caller may not publish, or the topic's KMS key is unusable. Everything
 * else (throttling, 5xx, network) is transient: the SDK already retried it with backoff.
 */
const PERMANENT = new Set([
  'InvalidParameter',
  'InvalidParameterValue',
  'NotFound',
  'AuthorizationError',
  'InvalidSecurity',
  'KMSDisabled',
  'KMSNotFound',
  'KMSInvalidState',
  'KMSAccessDenied',
  'ValidationError',
]);

export function isPermanentSnsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { Code?: unknown }).Code;
  const names = [error.name.replace(/Exception$/, ''), typeof code === 'string' ? code : ''];
  return names.some((name) => PERMANENT.has(name));
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The region of an SNS topic ARN (published to there unless a region is given). */
function regionOfTopic(topicArn: string): string | undefined {
  const region = topicArn.split(':')[3]?.trim();
  return region === undefined || region === '' ? undefined : region;
}

export const sns: ChannelType = {
  destination: 'an SNS topic ARN',
  accepts: (destination) => TOPIC_ARN.test(destination),
  open: (topicArn, { maxAttempts }) => new SnsChannel({ topicArn, ...(maxAttempts === undefined ? {} : { maxAttempts }) }),
};
