import { accountOf, actorOf, type CloudTrailRecord } from '../cloudtrail/record.js';
import { accountOfPrincipal } from '../policy/boundary.js';
import { analyseResourcePolicy, type ExposedStatement, type ResourcePolicyAnalysis, type ResourcePolicyOptions } from '../policy/resource-policy.js';
import type { DetectionContext, DetectionMatch, RiskRemoval } from './detection.js';

/**
 * How every "resource opened to the world or to an outside account" rule turns a resource policy
 * into a finding, so that they all read, word and bound their evidence the same way. A rule says
 * where the document sits in its event, which resource it guards and which condition keys of its
 * service pin the caller; the reading itself is the shared resource-policy engine's (IAM Access
 * Analyzer's reading, https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html).
 */
export interface ExposableResource {
  readonly arn: string;
  /** How a person names it: "SNS topic alerts". */
  readonly label: string;
}

/** A policy an event puts on a resource: the whole document, or one statement the API adds. */
export interface PolicyChange {
  readonly resource: ExposableResource;
  /** As the event carries it: a JSON string, or an object. */
  readonly document: unknown;
  /** For rules whose statements come and go one by one (scoped rules): which finding this is. */
  readonly scope?: string;
  /** The id the API gives a statement it adds on its own (AddPermission's label), for the summary. */
  readonly addedStatement?: string;
}

/** The service's own condition keys that pin the caller (`kms:CallerAccount`), as the engine takes them. */
export type ServiceKeys = Pick<ResourcePolicyOptions, 'serviceKeys' | 'serviceAccountKeys' | 'serviceTrueKeys'>;

/** Evidence stays small: at most this many statements, principals and actions, with a count of the rest. */
const MAX_STATEMENTS = 5;
const MAX_NAMES = 10;
const MAX_IN_SUMMARY = 3;

function analyseChange(record: CloudTrailRecord, context: DetectionContext, change: PolicyChange, keys: ServiceKeys = {}): ResourcePolicyAnalysis {
  return analyseResourcePolicy(change.document, {
    boundary: context.boundary,
    // The resource's own account, from its ARN (an ECR registry named by registryId), else the event's.
    ownAccount: accountOfPrincipal(change.resource.arn) ?? accountOf(record),
    ...keys,
  });
}

/**
 * The finding for a policy that lets anyone in (critical) or accounts outside the trusted boundary
 * (high); undefined when it does neither or cannot be read.
 */
export function exposureMatch(record: CloudTrailRecord, context: DetectionContext, change: PolicyChange, keys: ServiceKeys = {}): DetectionMatch | undefined {
  const analysis = analyseChange(record, context, change, keys);
  if (!analysis.ok || analysis.exposure === undefined) return undefined;
  const exposed = analysis.statements;
  const isPublic = analysis.exposure === 'public';
  const who = isPublic ? 'anyone' : `${namesOf(unique(exposed.flatMap((s) => s.principals)))}, outside the trusted accounts,`;
  const actions = unique(exposed.flatMap((s) => s.actions));
  return {
    severity: isPublic ? 'critical' : 'high',
    resource: change.resource.arn,
    ...(change.scope === undefined ? {} : { scope: change.scope }),
    summary:
      change.addedStatement === undefined
        ? `${actorOf(record).arn} set a policy on ${change.resource.label} that lets ${who} ${grants(actions)} (${namesOf(exposed.map((s) => s.label))}).`
        : `${actorOf(record).arn} added permission "${change.addedStatement}" to ${change.resource.label}, which lets ${who} ${grants(actions)}.`,
    details: {
      exposure: analysis.exposure,
      statements: exposed.slice(0, MAX_STATEMENTS).map(evidenceOf),
      ...(exposed.length > MAX_STATEMENTS ? { statementsNotShown: exposed.length - MAX_STATEMENTS } : {}),
    },
  };
}

/**
 * The removal a policy change makes when the policy it leaves is neither public nor shared outside
 * the boundary. A document that cannot be read removes nothing: an unrecognised shape must never
 * close a finding.
 */
export function removalWhenContained(record: CloudTrailRecord, context: DetectionContext, change: PolicyChange, keys: ServiceKeys = {}): RiskRemoval[] {
  const analysis = analyseChange(record, context, change, keys);
  if (!analysis.ok || analysis.exposure !== undefined) return [];
  return [
    {
      resource: change.resource.arn,
      ...(change.scope === undefined ? {} : { scope: change.scope }),
      reason: 'policy now grants nobody outside the trusted accounts',
    },
  ];
}

function grants(actions: readonly string[]): string {
  return actions.length === 0 ? 'in' : `call ${namesOf(actions)}`;
}

function evidenceOf(statement: ExposedStatement): Record<string, unknown> {
  return {
    statement: statement.label,
    exposure: statement.exposure,
    reason: statement.reason,
    principals: bounded(statement.principals),
    actions: bounded(statement.actions),
  };
}

function bounded(names: readonly string[]): string[] {
  return names.length <= MAX_NAMES ? [...names] : [...names.slice(0, MAX_NAMES), `and ${names.length - MAX_NAMES} more`];
}

/** "a, b, c and 4 more". */
function namesOf(names: readonly string[]): string {
  const shown = names.slice(0, MAX_IN_SUMMARY);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
