import { redactString } from '../findings/redact.js';
import type { ChatbotNotification } from './chat.js';

/** One alert or notice rendered for people and machines, before any channel gives it its shape. */
export interface AlertContent {
  /** One line: severity, what, which account (at most 100 printable ASCII characters, as email subjects need). */
  readonly subject: string;
  /** Plain text for a person (the email). */
  readonly text: string;
  /** The AWS Chatbot custom notification (Slack, Teams). */
  readonly chat: ChatbotNotification;
  /** JSON for machines. */
  readonly json: string;
  /** What subscribers filter on. */
  readonly labels: AlertLabels;
}

export interface AlertLabels {
  readonly severity: string;
  readonly ruleId: string;
  readonly account: string;
  readonly region: string;
  /** `opened`, `resolved`, `reminder`, or `notice` (a key rotation). */
  readonly kind: string;
}

/**
 * What a channel is asked to send: renditions of one alert from the fullest to a minimal one. A
 * channel sends the first that fits its own limits; the last one is cut to fit `limit` (bytes).
 */
export interface Outgoing {
  /** The finding the alert is about; undefined for a notice. */
  readonly findingId: string | undefined;
  renditions(limit: number): Iterable<AlertContent>;
}

/** A failure a retry can fix (throttling, a network error, an outage), or one it never will (a missing topic, no permission). */
export type FailureKind = 'transient' | 'permanent';

export interface Delivery {
  readonly messageId?: string | undefined;
}

/**
 * Where alerts go (SNS, a chat webhook, an event bus): one file per channel under channels/, chosen
 * by channels/catalogue.ts. Each channel owns its limits (size, escaping) in `format`, and says in
 * `classify` which of its errors are worth a retry. Callers hold it as `AlertChannel` (message
 * `unknown`): what `format` returns only ever goes back to the same channel's `deliver`.
 */
export interface AlertChannel<Message = unknown> {
  /** For logs and people: "SNS". */
  readonly name: string;
  /** Where it delivers (a topic ARN), for people. */
  readonly destination: string;
  /** Pure: the message for one alert, within the channel's limits whatever the alert holds. */
  format(outgoing: Outgoing): Message;
  /** Sends one message, after the client's own retries; throws what the channel's client threw. */
  deliver(message: Message): Promise<Delivery>;
  classify(error: unknown): FailureKind;
  /** Releases what the channel opened (a client it built). */
  close(): void;
}

/** One line that says why a delivery failed, for the finding's `alertError` and the logs (redacted: it is stored). */
export function failureReason(error: unknown): string {
  const text = redactString(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  return text.length <= 500 ? text : `${text.slice(0, 497)}...`;
}
