import { createHash } from 'node:crypto';
import type { Detected } from './finding.js';
import { globMatches } from './glob.js';
import type { Suppression } from './model.js';

/** What a person asks to mute: one finding, or a rule for a resource pattern or an actor pattern. */
export type SuppressionTarget =
  | { readonly findingId: string; readonly ruleId?: string }
  | { readonly ruleId: string; readonly resourcePattern: string }
  | { readonly ruleId: string; readonly actorPattern: string };

/** The same target always gets the same id: suppressing twice updates one suppression. */
export function suppressionIdOf(target: SuppressionTarget): string {
  const identity =
    'findingId' in target
      ? ['finding', target.findingId]
      : 'resourcePattern' in target
        ? ['resource', target.ruleId, target.resourcePattern]
        : ['actor', target.ruleId, target.actorPattern];
  return `s-${createHash('sha256').update(identity.join('\n')).digest('hex').slice(0, 12)}`;
}

export function isActive(suppression: Suppression, now: Date): boolean {
  return suppression.until === undefined || Date.parse(suppression.until) > now.getTime();
}

/** The first active suppression that mutes this detection, if any. */
export function suppressionFor(detected: Detected, suppressions: readonly Suppression[], now: Date): Suppression | undefined {
  return suppressions.find((suppression) => isActive(suppression, now) && mutes(suppression, detected));
}

function mutes(suppression: Suppression, detected: Pick<Detected, 'findingId' | 'ruleId' | 'resource' | 'actor'>): boolean {
  if (suppression.findingId !== undefined) return suppression.findingId === detected.findingId;
  if (suppression.ruleId !== detected.ruleId) return false;
  if (suppression.resourcePattern !== undefined) return globMatches(suppression.resourcePattern, detected.resource);
  if (suppression.actorPattern !== undefined) return globMatches(suppression.actorPattern, detected.actor);
  return false;
}

/** Whether a suppression mutes an existing finding (judged by its resource and its latest actor). */
export function mutesFinding(
  suppression: Suppression,
  finding: { readonly id: string; readonly ruleId: string; readonly resource: string; readonly latestActor?: string | undefined },
): boolean {
  return mutes(suppression, { findingId: finding.id, ruleId: finding.ruleId, resource: finding.resource, actor: finding.latestActor ?? '' });
}
