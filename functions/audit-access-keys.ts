import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { Alerter } from '../shared/alerts/alerter.js';
import { openAlertChannel } from '../shared/alerts/channels/catalogue.js';
import { alertSettingsFromEnvironment } from '../shared/alerts/settings.js';
import { numberSetting, optionalSetting, requiredSetting } from '../shared/config/settings.js';
import { securityHubExportFromEnvironment } from '../shared/export/security-hub.js';
import { ruleBook } from '../shared/findings/rule-book.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { auditKeys, type AuditSummary } from '../shared/handlers/audit-keys.js';
import { DynamoRotationStateStore } from '../shared/keys/rotation-state-dynamodb.js';
import { readKeySettings } from '../shared/keys/settings.js';
import { createLogger } from '../shared/logging/logger.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';

// Wiring only, once per container: settings (fail fast), clients, stores.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const settings = readKeySettings(process.env);
const alertSettings = alertSettingsFromEnvironment(process.env, findingsTable);
const logger = createLogger({ name: 'audit-access-keys' });
const dynamo = documentClient(new DynamoDBClient({}));
const store = new DynamoFindingsStore(dynamo, findingsTable, { resolvedTtlDays });
const channel = openAlertChannel(alertSettings.topicArn, { maxAttempts: alertSettings.publishMaxAttempts });
const alerter = new Alerter({ store, channel, settings: alertSettings, rules: ruleBook });
const iam = new IAMClient({});
const secretsManager = new SecretsManagerClient({});
const rotationStates = new DynamoRotationStateStore(dynamo, findingsTable);
const ownRoleName = optionalSetting(process.env, 'AUDIT_ROLE_NAME');
// Only when the stack's securityHubExport parameter is on (it then sets the product ARN and the permissions).
const exporter = securityHubExportFromEnvironment(process.env, { ledger: store, rules: ruleBook });

export const handler = middy<ScheduledEvent, AuditSummary, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler((_event, context) =>
    auditKeys({
      iam,
      secretsManager,
      rotationStates,
      settings,
      now: () => new Date(),
      store,
      alerter,
      ...(ownRoleName === undefined ? {} : { ownRoleName }),
      ...(exporter === undefined ? {} : { exporter }),
      logger: context.logger ?? logger,
    }),
  );
