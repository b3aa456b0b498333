import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { trustedBoundarySourceFromEnvironment } from '../shared/config/organization-boundary.js';
import { numberSetting, requiredSetting } from '../shared/config/settings.js';
import { Alerter } from '../shared/alerts/alerter.js';
import { openAlertChannel } from '../shared/alerts/channels/catalogue.js';
import { alertSettingsFromEnvironment } from '../shared/alerts/settings.js';
import { catalogue } from '../shared/detections/catalogue.js';
import { DetectionEngine } from '../shared/detections/engine.js';
import { securityHubExportFromEnvironment } from '../shared/export/security-hub.js';
import { detectEvent } from '../shared/handlers/detect-event.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { createLogger } from '../shared/logging/logger.js';
import { PolicyVersionEnricher } from '../shared/policy/policy-versions.js';
import { IamPolicyVersionSource } from '../shared/policy/policy-versions-iam.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';

// Wiring only, once per container: settings (fail fast), clients, the engine.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const alertSettings = alertSettingsFromEnvironment(process.env, findingsTable);
const logger = createLogger({ name: 'detect-cloudtrail-event' });
const boundary = trustedBoundarySourceFromEnvironment(process.env, logger);
const store = new DynamoFindingsStore(documentClient(new DynamoDBClient({})), findingsTable, { resolvedTtlDays });
const engine = new DetectionEngine(catalogue);
const channel = openAlertChannel(alertSettings.topicArn, { maxAttempts: alertSettings.publishMaxAttempts });
const alerter = new Alerter({ store, channel, settings: alertSettings, rules: catalogue });
// Policy versions seen by this container, and iam:GetPolicyVersion for the rest.
const enricher = new PolicyVersionEnricher(new IamPolicyVersionSource(new IAMClient({})));
// Only when the stack's securityHubExport parameter is on (it then sets the product ARN and the permission).
const exporter = securityHubExportFromEnvironment(process.env, { ledger: store, rules: catalogue });

export const handler = middy<EventBridgeEvent<string, unknown>, void, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler(async (event, context) => {
    await detectEvent(event, { engine, store, alerter, boundary, enricher, exporter, logger: context.logger ?? logger });
  });
