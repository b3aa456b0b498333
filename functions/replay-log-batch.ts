import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { trustedBoundarySourceFromEnvironment } from '../shared/config/organization-boundary.js';
import { numberSetting, requiredSetting } from '../shared/config/settings.js';
import { trailBucketClient } from '../shared/cloudtrail/s3-logs.js';
import { catalogue } from '../shared/detections/catalogue.js';
import { DetectionEngine } from '../shared/detections/engine.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { type ReplayBatchSummary, replayLogBatch } from '../shared/handlers/replay-log-batch.js';
import { createLogger } from '../shared/logging/logger.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';

// Wiring only, once per container: settings (fail fast), clients, the engine.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const logger = createLogger({ name: 'replay-log-batch' });
const boundary = trustedBoundarySourceFromEnvironment(process.env, logger);
const store = new DynamoFindingsStore(documentClient(new DynamoDBClient({})), findingsTable, { resolvedTtlDays });
const engine = new DetectionEngine(catalogue);
const s3 = trailBucketClient(process.env);

// Invoked synchronously by the backfill state machine, which retries a failed batch (serverless.yml).
export const handler = middy<unknown, ReplayBatchSummary, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler((event, context) => replayLogBatch(event, { s3, engine, store, boundary, logger: context.logger ?? logger }));
