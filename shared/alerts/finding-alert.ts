import type { AlertContent, AlertLabels, Outgoing } from './channel.js';
import { chatNotification } from './chat.js';
import { emailText, subjectOf } from './email.js';
import { oneLine } from './escape.js';
import { factsOf, type AlertFacts, type AlertInput, type AlertKind } from './facts.js';
import { cut, SHRINK_LEVELS, shrinkValue } from './quote.js';

/** The machine body: the finding as stored (redacted; long evidence shrunk to fit). */
interface MachineAlert {
  readonly alert: AlertKind;
  readonly finding: unknown;
}

/** Evidence budgets per rendition, largest first; each rendition also shrinks the machine JSON harder. */
const BUDGETS = [
  { email: 12_000, chat: 2_000 },
  { email: 6_000, chat: 1_200 },
  { email: 3_000, chat: 800 },
  { email: 1_500, chat: 400 },
  { email: 800, chat: 200 },
] as const;

/** The alert about a finding (pure, redacted): renditions that quote less and less evidence, then a minimal one. */
export function findingAlert(input: AlertInput): Outgoing {
  const facts = factsOf(input);
  return {
    findingId: facts.finding.id,
    *renditions(limit: number): Iterable<AlertContent> {
      const subject = subjectOf(facts);
      const labels = labelsOf(facts);
      for (let i = 0; i < BUDGETS.length; i += 1) {
        const budget = BUDGETS[i]!;
        const level = SHRINK_LEVELS[i] ?? SHRINK_LEVELS[SHRINK_LEVELS.length - 1]!;
        yield {
          subject,
          text: emailText(facts, { quote: budget.email }),
          chat: chatNotification(facts, subject, { quote: budget.chat }),
          json: JSON.stringify({ alert: facts.kind, finding: shrinkValue(facts.finding, level) } satisfies MachineAlert),
          labels,
        };
      }
      yield minimalContent(facts, subject, labels, limit);
    },
  };
}

/** The last resort: identity, summary and command only, each cut to a fortieth of the channel's limit. */
function minimalContent(facts: AlertFacts, subject: string, labels: AlertLabels, limit: number): AlertContent {
  const { finding } = facts;
  const identity = {
    id: finding.id,
    ruleId: finding.ruleId,
    severity: finding.severity,
    account: finding.account,
    region: finding.region,
    status: finding.status,
  };
  const room = Math.max(200, Math.floor(limit / 40));
  const summary = cut(finding.summary, room);
  const resource = cut(finding.resource, room);
  return {
    subject,
    text: `${subject}\n\n${oneLine(summary)}\n\nThe full alert was too large to send. See it with: ${facts.showCommand}\n`,
    chat: chatNotification({ ...facts, finding: { ...finding, summary, resource, details: {} }, remediationSteps: [], description: undefined }, subject, {
      quote: 20,
    }),
    json: JSON.stringify({ alert: facts.kind, finding: { ...identity, resource, summary, truncated: true } }),
    labels,
  };
}

function labelsOf(facts: AlertFacts): AlertLabels {
  const { finding } = facts;
  return { severity: finding.severity, ruleId: finding.ruleId, account: finding.account, region: finding.region, kind: facts.kind };
}
