import { mrkdwnEscape, mrkdwnValue } from './escape.js';
import { actorKind, readableTime, type AlertFacts } from './facts.js';
import { cut, quoteDetails } from './quote.js';

/**
 * An AWS Chatbot (Amazon Q Developer in chat applications) custom notification: the only shape it
 * shows in Slack or Teams. `metadata.threadId` is the finding id, so every message about one finding
 * lands in one thread.
 */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

export interface ChatBudget {
  readonly quote: number;
}

const MAX_NEXT_STEPS = 6;

/** Every value that comes from an event is escaped (`md`); the rule's own words are written as they are. */
export function chatNotification(facts: AlertFacts, subject: string, budget: ChatBudget): ChatbotNotification {
  const { finding, latest } = facts;
  const md = mrkdwnValue;
  const description =
    facts.kind === 'resolved'
      ? [
          facts.resolution === undefined
            ? 'The risk is no longer present.'
            : `The risk was removed at ${md(readableTime(facts.resolution.at))}: ${md(facts.resolution.reason)}.`,
          `*Resource:* \`${md(finding.resource)}\``,
          `*Finding:* \`${finding.id}\``,
        ]
      : [
          md(cut(finding.summary, 1_000)),
          ...(facts.kind === 'reminder' ? [`_Still open since ${md(readableTime(finding.statusChangedAt))}._`] : []),
          ...(facts.reopened ? ['_This risk had been resolved before and has come back._'] : []),
          ...(facts.resolution === undefined ? [] : [`_Already resolved at ${md(readableTime(facts.resolution.at))}: ${md(facts.resolution.reason)}._`]),
          ...(latest === undefined
            ? []
            : [
                `*Who:* \`${md(latest.actor)}\` (${md(actorKind(latest))})`,
                `*When:* ${md(readableTime(latest.eventTime))} (\`${md(latest.eventName)}\`)${finding.count > 1 ? `, ${finding.count} events` : ''}`,
                `*From:* ${md(latest.sourceIp ?? 'unknown IP')} · \`${md(cut(latest.userAgent ?? 'unknown agent', 120))}\` · ${md(latest.region)}`,
              ]),
          `*Resource:* \`${md(finding.resource)}\`${finding.scope === undefined ? '' : ` (${md(finding.scope)})`}`,
          `*What changed:*\n\`\`\`\n${mrkdwnEscape(quoteDetails(finding.details, budget.quote)).replaceAll('```', "'''")}\n\`\`\``,
          ...(facts.description === undefined ? [] : [`*Why it matters:* ${cut(facts.description, 1_000)}`]),
          `*Finding:* \`${finding.id}\``,
        ];
  const steps = facts.kind === 'resolved' ? [] : facts.remediationSteps.slice(0, MAX_NEXT_STEPS - 1).map((step) => cut(step, 500));
  return {
    version: '1.0',
    source: 'custom',
    id: `${finding.id}:${facts.kind}:${facts.kind === 'resolved' ? (facts.resolution?.at ?? '') : facts.kind === 'reminder' ? (finding.alertedAt ?? '') : (latest?.eventId ?? finding.statusChangedAt)}`,
    content: {
      textType: 'client-markdown',
      title: `${facts.kind === 'resolved' ? ':white_check_mark:' : facts.kind === 'reminder' ? ':alarm_clock:' : ':rotating_light:'} ${md(subject)}`,
      description: description.join('\n'),
      nextSteps: [...steps, `See the whole story: \`${facts.showCommand}\``],
      keywords: [finding.severity, finding.ruleId, finding.account, finding.region].map(md),
    },
    metadata: {
      threadId: finding.id,
      summary: md(subject),
      eventType: `iam-warden.finding.${facts.kind}`,
      relatedResources: [...new Set([finding.resource, ...(latest === undefined ? [] : [latest.actor])])].map(md),
      additionalContext: {
        findingId: finding.id,
        ruleId: md(finding.ruleId),
        severity: finding.severity,
        account: md(finding.account),
        region: md(finding.region),
        status: finding.status,
      },
    },
  };
}
