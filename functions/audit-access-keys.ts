import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { numberSetting, requiredSetting } from '../shared/config/settings.js';
import type { Resolution } from '../shared/detections/engine.js';
import { documentClient, FindingsStore, type FindingSummary } from '../shared/findings/store.js';
import { runKeyAudit, type AuditResult } from '../shared/keys/audit.js';
import { DynamoRotationStateStore } from '../shared/keys/rotation-state-dynamodb.js';
import { KEY_RULE_IDS } from '../shared/keys/rules.js';
import { readKeySettings } from '../shared/keys/settings.js';
import { createLogger } from '../shared/logging/logger.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';

// Wiring only, once per container: settings (fail fast), clients, stores.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const settings = readKeySettings(process.env);
const logger = createLogger({ name: 'audit-access-keys' });
const iam = new IAMClient({});
const secretsManager = new SecretsManagerClient({});
const dynamo = documentClient(new DynamoDBClient({}));
const store = new FindingsStore(dynamo, findingsTable, { resolvedTtlDays });
const rotationStates = new DynamoRotationStateStore(dynamo, findingsTable);

/** Some key changes failed: thrown after the findings are written, so the Errors alarm fires and the next run retries them. */
export class KeyActionsFailedError extends Error {
  override readonly name = 'KeyActionsFailedError';
}

export interface AuditSummary {
  readonly mode: string;
  readonly users: number;
  readonly findings: number;
  readonly resolved: number;
  readonly changesDone: number;
  readonly changesFailed: number;
  readonly capHit: boolean;
}

export const handler = middy<ScheduledEvent, AuditSummary, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler(async (_event, context) => {
    const log = context.logger ?? logger;
    const result = await runKeyAudit({ iam, secretsManager, rotationStates, settings, now: () => new Date(), logger: log });
    const resolutions = result.account === '' ? [] : (await openKeyFindings(store)).filter((open) => isGone(open, result)).map((open) => resolutionOf(open, result));
    const batch = store.batch();
    batch.add({ detected: result.findings, resolutions });
    const { counts } = await batch.flush();
    const changesDone = result.outcomes.filter((outcome) => outcome.status === 'done').length;
    const changesFailed = result.outcomes.filter((outcome) => outcome.status === 'failed').length;
    const summary: AuditSummary = { mode: settings.mode, users: result.users, findings: result.findings.length, resolved: resolutions.length, changesDone, changesFailed, capHit: result.capHit };
    log.info({ ...summary, generatedTime: result.generatedTime, notices: result.notices.length, ...counts }, 'key audit done');
    if (changesFailed > 0) throw new KeyActionsFailedError(`${changesFailed} key change(s) failed; findings were written and the next run retries`);
    return summary;
  });

/** Open and suppressed findings of the key rules, through the byRule index (every page). */
async function openKeyFindings(findings: FindingsStore): Promise<FindingSummary[]> {
  const all: FindingSummary[] = [];
  for (const ruleId of KEY_RULE_IDS) {
    let cursor: string | undefined;
    do {
      const page = await findings.list({ ruleId, statuses: ['open', 'suppressed'], limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      all.push(...page.findings);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return all;
}

/** A finding of the audited account that this audit no longer raises (the ids are fingerprints of rule, account, resource and scope). */
const isGone = (open: FindingSummary, result: AuditResult): boolean => open.account === result.account && !result.seen.has(open.id);

function resolutionOf(open: FindingSummary, result: AuditResult): Resolution {
  return {
    ruleId: open.ruleId,
    account: open.account,
    resource: open.resource,
    scope: undefined,
    findingId: open.id,
    reason: 'no longer seen in the credential report',
    eventId: result.eventId,
    eventTime: result.generatedTime,
    actor: 'iam-warden',
  };
}
