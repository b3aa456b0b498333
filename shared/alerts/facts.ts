import { referenceLabels, type RuleDescription } from '../detections/detection.js';
import type { Finding, Occurrence } from '../findings/model.js';
import { redactSecrets, redactString } from '../findings/redact.js';

/** What an alert is about: a finding that opened (or reopened), one still open long after its alert, or one a later event resolved. */
export type AlertKind = 'opened' | 'reminder' | 'resolved';

export interface AlertInput {
  readonly kind: AlertKind;
  readonly finding: Finding;
  /** The finding's rule (why it matters, how to fix it); absent for an unknown rule. */
  readonly rule?: RuleDescription | undefined;
  /** The deployed findings table, so the printed `warden findings show` command reaches it. */
  readonly findingsTable?: string | undefined;
  /** Or the embedded store's directory, when it is not the default `.warden`. */
  readonly storeDir?: string | undefined;
}

/** Everything the renderers need, redacted once, in plain strings. */
export interface AlertFacts {
  readonly kind: AlertKind;
  readonly finding: Finding;
  readonly latest: Occurrence | undefined;
  readonly reopened: boolean;
  readonly severityLabel: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly remediationSteps: readonly string[];
  readonly references: readonly string[];
  readonly links: readonly string[];
  readonly showCommand: string;
  readonly resolution: { readonly at: string; readonly reason: string } | undefined;
}

export function factsOf(input: AlertInput): AlertFacts {
  // Everything that reaches an alert is redacted here: keys named like secrets, strings shaped like them.
  const finding = redactSecrets(input.finding);
  const detection = input.rule;
  const opens = finding.history.filter((entry) => entry.status === 'open').length;
  const lastResolved = [...finding.history].reverse().find((entry) => entry.status === 'resolved');
  return {
    kind: input.kind,
    finding,
    latest: finding.recentOccurrences[0],
    reopened: opens > 1,
    severityLabel: finding.severity.toUpperCase(),
    title: redactString(detection?.title ?? finding.title),
    description: detection === undefined ? undefined : redactString(detection.description),
    remediationSteps: detection === undefined ? [] : sentences(redactString(detection.remediation)),
    references: detection === undefined ? [] : referenceLabels(detection.references),
    links: detection?.references.links ?? [],
    showCommand: `npx warden findings show ${finding.id}${storeOption(input)}`,
    resolution:
      finding.status === 'resolved' ? { at: finding.resolvedAt ?? finding.statusChangedAt, reason: lastResolved?.reason ?? 'risk removed' } : undefined,
  };
}

function storeOption(input: AlertInput): string {
  if (input.findingsTable !== undefined) return ` --table ${input.findingsTable}`;
  return input.storeDir === undefined || input.storeDir === '.warden' ? '' : ` --store ${input.storeDir}`;
}

/**
 * Splits prose into sentences, never inside a `code span` (CLI commands hold dots). A sentence ends
 * at ". ", "? " or "! " followed by a capital letter or a backtick.
 */
export function sentences(text: string): string[] {
  const result: string[] = [];
  let current = '';
  let inCode = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    current += char;
    if (char === '`') inCode = !inCode;
    if (!inCode && (char === '.' || char === '?' || char === '!') && text[i + 1] === ' ' && /[A-Z`]/.test(text[i + 2] ?? '')) {
      result.push(current.trim());
      current = '';
    }
  }
  if (current.trim() !== '') result.push(current.trim());
  return result;
}

/** "2026-11-20 03:43:58 UTC" from CloudTrail's ISO time. */
export function readableTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** "Root, without MFA": says nothing about MFA when CloudTrail does not know (SAML, Identity Center). */
export function actorKind(occurrence: Occurrence): string {
  const mfa = occurrence.mfaAuthenticated === undefined ? 'MFA not reported' : occurrence.mfaAuthenticated ? 'with MFA' : 'without MFA';
  return `${occurrence.actorType}, ${mfa}`;
}
