import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Publishable } from './message.js';
import { regionOfTopic } from './settings.js';

/** Where alerts go: SNS in production; tests and the CLI's preview pass their own. */
export interface AlertPublisher {
  publish(message: Publishable): Promise<{ readonly messageId?: string | undefined }>;
}

export interface SnsPublisherOptions {
  readonly topicArn: string;
  /** A client passed in (tests: an emulator's endpoint); by default one is built with `maxAttempts` and `region` (default: the topic's). */
  readonly client?: SNSClient;
  readonly maxAttempts?: number;
  readonly region?: string;
}

/**
 * Builds the SNS client: the SDK's standard retry mode (exponential backoff with jitter, throttling
 * errors retried) for `maxAttempts` attempts. AWS_ENDPOINT_URL_SNS overrides the endpoint, as the
 * SDK supports.
 */
export function snsClient(options: { readonly maxAttempts?: number; readonly region?: string | undefined } = {}): SNSClient {
  return new SNSClient({ retryMode: 'standard', maxAttempts: options.maxAttempts ?? 4, ...(options.region === undefined ? {} : { region: options.region }) });
}

/** Publishes one alert per call to an SNS topic, as one message with a body per protocol. */
export class SnsAlertPublisher implements AlertPublisher {
  readonly topicArn: string;
  private readonly client: SNSClient;
  private readonly owned: boolean;

  constructor(options: SnsPublisherOptions) {
    this.topicArn = options.topicArn;
    this.owned = options.client === undefined;
    this.client =
      options.client ??
      snsClient({
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
        region: options.region ?? regionOfTopic(options.topicArn),
      });
  }

  async publish(message: Publishable): Promise<{ messageId?: string | undefined }> {
    const result = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        Message: message.message,
        MessageStructure: 'json',
        MessageAttributes: message.attributes,
      }),
    );
    return { messageId: result.MessageId };
  }

  /** Releases the client if this publisher built it. */
  close(): void {
    if (this.owned) this.client.destroy();
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

export function isPermanentPublishError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { Code?: unknown }).Code;
  const names = [error.name.replace(/Exception$/, ''), typeof code === 'string' ? code : ''];
  return names.some((name) => PERMANENT.has(name));
}

/** One line that says why a publish failed, for the finding's `alertError`. */
export function publishErrorReason(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length <= 500 ? text : `${text.slice(0, 497)}...`;
}
