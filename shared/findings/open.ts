import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient, DynamoFindingsStore } from './dynamodb/store.js';
import { openEmbeddedStore } from './sqlite/open.js';
import type { OpenedFindingsStore, OpenFindingsStoreOptions } from './store.js';

/**
 * Opens the findings store the command line names: the embedded one (`storeDir`, SQLite) or the
 * deployed table (`tableName`, through the standard credential chain; AWS_ENDPOINT_URL_DYNAMODB is
 * honoured by the SDK). The Lambdas never import this module: they build the DynamoDB store
 * themselves, so their bundles cannot contain the embedded one.
 */
export async function openFindingsStore(options: OpenFindingsStoreOptions): Promise<OpenedFindingsStore> {
  const settings = {
    ...(options.resolvedTtlDays === undefined ? {} : { resolvedTtlDays: options.resolvedTtlDays }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  if ('storeDir' in options) return openEmbeddedStore(options.storeDir, settings);
  const client = documentClient(new DynamoDBClient(options.region === undefined ? {} : { region: options.region }));
  return {
    store: new DynamoFindingsStore(client, options.tableName, settings),
    async close() {
      client.destroy();
    },
  };
}
