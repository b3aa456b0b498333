import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { chatNotification, type ChatbotNotification } from './chat.js';
import { emailText, subjectOf } from './email.js';
import { factsOf, type AlertFacts, type AlertInput, type AlertKind } from './facts.js';
import { cut, SHRINK_LEVELS, shrinkValue } from './quote.js';

export type { AlertInput, AlertKind } from './facts.js';

/** SNS's limit for one message: 256 KiB, counted in UTF-8 bytes. Subject and attributes are counted too, to be safe. */
export const MAX_MESSAGE_BYTES = 262_144;

/**
 * One Publish with `MessageStructure: "json"`: a body per protocol. `email` is plain text, `https`
 * (how Chatbot subscribes) the custom notification, `default` the finding as JSON. SNS gives every
 * protocol without its own key (sqs, lambda, email-json, firehose, application...) the `default`
 * body, so machines get the JSON without it being repeated under `sqs` and `lambda`, which would
 * triple the size for nothing.
 */
export interface AlertBodies {
  readonly default: string;
  readonly email: string;
  readonly https: string;
}

/** The machine body: the finding as stored (redacted; long evidence shrunk to fit). */
export interface MachineAlert {
  readonly alert: AlertKind;
  readonly finding: unknown;
}

/** What one SNS Publish needs: a finding's alert, or a notice such as a key rotation. */
export interface Publishable {
  readonly subject: string;
  /** Publish's Message: one body per protocol, as a JSON object (`MessageStructure: "json"`). */
  readonly message: string;
  readonly attributes: Record<string, MessageAttributeValue>;
}

export interface AlertMessage extends Publishable {
  readonly kind: AlertKind;
  readonly findingId: string;
  readonly bodies: AlertBodies;
  /** Message + Subject + attributes, in UTF-8 bytes: always at most MAX_MESSAGE_BYTES. */
  readonly bytes: number;
  /** The Chatbot notification, parsed, for renderers. */
  readonly chat: ChatbotNotification;
}

/** Evidence budgets per attempt, largest first; each attempt also shrinks the machine JSON harder. */
const BUDGETS = [
  { email: 12_000, chat: 2_000 },
  { email: 6_000, chat: 1_200 },
  { email: 3_000, chat: 800 },
  { email: 1_500, chat: 400 },
  { email: 800, chat: 200 },
] as const;

/** Builds the alert for a finding: pure, redacted, and under SNS's size limit whatever the finding holds. */
export function buildAlert(input: AlertInput, maxBytes = MAX_MESSAGE_BYTES): AlertMessage {
  const facts = factsOf(input);
  const subject = subjectOf(facts);
  const attributes = attributesOf(facts);
  for (let i = 0; i < BUDGETS.length; i += 1) {
    const budget = BUDGETS[i]!;
    const level = SHRINK_LEVELS[i] ?? SHRINK_LEVELS[SHRINK_LEVELS.length - 1]!;
    const chat = chatNotification(facts, subject, { quote: budget.chat });
    const bodies: AlertBodies = {
      default: JSON.stringify({ alert: facts.kind, finding: shrinkValue(facts.finding, level) } satisfies MachineAlert),
      email: emailText(facts, { quote: budget.email }),
      https: JSON.stringify(chat),
    };
    const message = assemble(input, facts, subject, attributes, bodies, chat);
    if (message.bytes <= maxBytes) return message;
  }
  return minimalAlert(input, facts, subject, attributes, maxBytes);
}

/** The last resort: identity, summary and command only, each cut short. Always fits. */
function minimalAlert(
  input: AlertInput,
  facts: AlertFacts,
  subject: string,
  attributes: Record<string, MessageAttributeValue>,
  maxBytes: number,
): AlertMessage {
  const { finding } = facts;
  const identity = {
    id: finding.id,
    ruleId: finding.ruleId,
    severity: finding.severity,
    account: finding.account,
    region: finding.region,
    status: finding.status,
  };
  const room = Math.max(200, Math.floor(maxBytes / 40));
  const summary = cut(finding.summary, room);
  const resource = cut(finding.resource, room);
  const chat = chatNotification({ ...facts, finding: { ...finding, summary, resource, details: {} }, remediationSteps: [], description: undefined }, subject, {
    quote: 20,
  });
  const bodies: AlertBodies = {
    default: JSON.stringify({ alert: facts.kind, finding: { ...identity, resource, summary, truncated: true } }),
    email: `${subject}\n\n${summary}\n\nThe full alert was too large to send. See it with: ${facts.showCommand}\n`,
    https: JSON.stringify(chat),
  };
  return assemble(input, facts, subject, attributes, bodies, chat);
}

function assemble(
  input: AlertInput,
  facts: AlertFacts,
  subject: string,
  attributes: Record<string, MessageAttributeValue>,
  bodies: AlertBodies,
  chat: ChatbotNotification,
): AlertMessage {
  const message = JSON.stringify(bodies);
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.StringValue ?? '') + 6,
    0,
  );
  return {
    kind: input.kind,
    findingId: facts.finding.id,
    subject,
    bodies,
    message,
    attributes,
    bytes: Buffer.byteLength(message) + Buffer.byteLength(subject) + attributeBytes,
    chat,
  };
}

/** Attributes subscription filter policies match on (for example `{"severity":["critical"]}`). */
function attributesOf(facts: AlertFacts): Record<string, MessageAttributeValue> {
  const { finding } = facts;
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value === '' ? 'unknown' : value });
  return {
    severity: text(finding.severity),
    ruleId: text(finding.ruleId),
    account: text(finding.account),
    region: text(finding.region),
    kind: text(facts.kind),
  };
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
