import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { Alerter } from '../shared/alerts/alerter.js';
import { openAlertChannel } from '../shared/alerts/channels/catalogue.js';
import { alertSettingsFromEnvironment } from '../shared/alerts/settings.js';
import { trustedBoundarySourceFromEnvironment } from '../shared/config/organization-boundary.js';
import { numberSetting, requiredSetting } from '../shared/config/settings.js';
import { catalogue } from '../shared/detections/catalogue.js';
import { securityHubExportFromEnvironment } from '../shared/export/security-hub.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { reconcileFindings, scanRegionsSetting, type ReconcileSummary } from '../shared/handlers/reconcile.js';
import { createLogger } from '../shared/logging/logger.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';
import { READERS } from '../shared/scan/readers/catalogue.js';
import { discoverTarget, scanClientConfigFrom } from '../shared/scan/target.js';

// Wiring only, once per container: settings (fail fast), clients, the store.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const alertSettings = alertSettingsFromEnvironment(process.env, findingsTable);
const homeRegion = requiredSetting(process.env, 'AWS_REGION');
const regions = scanRegionsSetting(process.env);
const logger = createLogger({ name: 'reconcile-findings' });
const boundary = trustedBoundarySourceFromEnvironment(process.env, logger);
const store = new DynamoFindingsStore(documentClient(new DynamoDBClient({})), findingsTable, { resolvedTtlDays });
const channel = openAlertChannel(alertSettings.topicArn, { maxAttempts: alertSettings.publishMaxAttempts });
const alerter = new Alerter({ store, channel, settings: alertSettings, rules: catalogue });
const clientConfig = scanClientConfigFrom(process.env);
// Only when the stack's securityHubExport parameter is on (it then sets the product ARN and the permissions).
const exporter = securityHubExportFromEnvironment(process.env, { ledger: store, rules: catalogue });

export const handler = middy<ScheduledEvent, ReconcileSummary, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler((_event, context) =>
    reconcileFindings({
      readers: READERS,
      store,
      alerter,
      boundary,
      target: () => discoverTarget({ ...clientConfig, region: homeRegion }, regions),
      clientConfig,
      ...(exporter === undefined ? {} : { exporter }),
      logger: context.logger ?? logger,
    }),
  );
