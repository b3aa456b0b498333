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

export function chatNotification(facts: AlertFacts, subject: string, budget: ChatBudget): ChatbotNotification {
  const { finding, latest } = facts;
  const description =
    facts.kind === 'resolved'
      ? [
          facts.resolution === undefined
            ? 'The risk is no longer present.'
            : `The risk was removed at ${readableTime(facts.resolution.at)}: ${facts.resolution.reason}.`,
          `*Resource:* \`${finding.resource}\``,
          `*Finding:* \`${finding.id}\``,
        ]
      : [
          cut(finding.summary, 1_000),
          ...(facts.kind === 'reminder' ? [`_Still open since ${readableTime(finding.statusChangedAt)}._`] : []),
          ...(facts.reopened ? ['_This risk had been resolved before and has come back._'] : []),
          ...(facts.resolution === undefined ? [] : [`_Already resolved at ${readableTime(facts.resolution.at)}: ${facts.resolution.reason}._`]),
          ...(latest === undefined
            ? []
            : [
                `*Who:* \`${latest.actor}\` (${actorKind(latest)})`,
                `*When:* ${readableTime(latest.eventTime)} (\`${latest.eventName}\`)${finding.count > 1 ? `, ${finding.count} events` : ''}`,
                `*From:* ${latest.sourceIp ?? 'unknown IP'} · \`${cut(latest.userAgent ?? 'unknown agent', 120)}\` · ${latest.region}`,
              ]),
          `*Resource:* \`${finding.resource}\`${finding.scope === undefined ? '' : ` (${finding.scope})`}`,
          `*What changed:*\n\`\`\`\n${quoteDetails(finding.details, budget.quote).replaceAll('```', "'''")}\n\`\`\``,
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
      title: `${facts.kind === 'resolved' ? ':white_check_mark:' : facts.kind === 'reminder' ? ':alarm_clock:' : ':rotating_light:'} ${subject}`,
      description: description.join('\n'),
      nextSteps: [...steps, `See the whole story: \`${facts.showCommand}\``],
      keywords: [finding.severity, finding.ruleId, finding.account, finding.region],
    },
    metadata: {
      threadId: finding.id,
      summary: subject,
      eventType: `iam-warden.finding.${facts.kind}`,
      relatedResources: [...new Set([finding.resource, ...(latest === undefined ? [] : [latest.actor])])],
      additionalContext: {
        findingId: finding.id,
        ruleId: finding.ruleId,
        severity: finding.severity,
        account: finding.account,
        region: finding.region,
        status: finding.status,
      },
    },
  };
}
