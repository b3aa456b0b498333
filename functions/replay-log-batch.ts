import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { TrustedBoundarySource } from '../shared/config/organization-boundary.js';
import { numberSetting, oneOfSetting, requiredSetting } from '../shared/config/settings.js';
import { trustedBoundaryFromEnvironment } from '../shared/config/trusted-boundary.js';
import { catalogue } from '../shared/detections/catalogue.js';
import { DetectionEngine } from '../shared/detections/engine.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { type ReplayBatchSummary, replayLogBatch } from '../shared/handlers/replay-log-batch.js';
import { createLogger } from '../shared/logging/logger.js';
import { invocationLogger, type LoggedContext } from '../shared/logging/middleware.js';

/** S3 answers SlowDown when many batches read one prefix at once: the SDK backs off and tries again, this many times in all. */
const S3_ATTEMPTS = 8;

// Wiring only, once per container: settings (fail fast), clients, the engine.
const findingsTable = requiredSetting(process.env, 'FINDINGS_TABLE');
const resolvedTtlDays = numberSetting(process.env, 'RESOLVED_FINDINGS_TTL_DAYS', 90, { min: 1, max: 3650 });
const logger = createLogger({ name: 'replay-log-batch' });
const trustOrganization = oneOfSetting(process.env, 'TRUST_ORGANIZATION', ['true', 'false'], 'false') === 'true';
const boundary = new TrustedBoundarySource(
  trustedBoundaryFromEnvironment(process.env),
  trustOrganization ? { client: new OrganizationsClient({}), logger } : undefined,
);
const store = new DynamoFindingsStore(documentClient(new DynamoDBClient({})), findingsTable, { resolvedTtlDays });
const engine = new DetectionEngine(catalogue);
// The trail bucket may live in another region (an organization's log archive): the SDK follows S3's
// redirect there. An emulator or gateway on an endpoint of its own cannot take the bucket in its host name.
const customS3Endpoint = (process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'] ?? '') !== '';
const s3 = new S3Client({ followRegionRedirects: true, maxAttempts: S3_ATTEMPTS, ...(customS3Endpoint ? { forcePathStyle: true } : {}) });

// Invoked synchronously by the backfill state machine, which retries a failed batch (serverless.yml).
export const handler = middy<unknown, ReplayBatchSummary, Error, LoggedContext>()
  .use(invocationLogger(logger))
  .handler((event, context) => replayLogBatch(event, { s3, engine, store, boundary, logger: context.logger ?? logger }));
