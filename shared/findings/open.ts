import type { OpenedFindingsStore, OpenFindingsStoreOptions } from './store.js';

/**
 * Opens the findings store the command line names: the embedded one (`storeDir`, SQLite) or the
 * deployed table (`tableName`, through the standard credential chain; AWS_ENDPOINT_URL_DYNAMODB is
 * honoured by the SDK). The Lambdas never import this module: they build the DynamoDB store
 * themselves, so their bundles cannot contain the embedded one. Each store's modules are imported
 * only when it is opened: the embedded store loads no AWS SDK, the table no SQLite.
 */
export async function openFindingsStore(options: OpenFindingsStoreOptions): Promise<OpenedFindingsStore> {
  const settings = {
    ...(options.resolvedTtlDays === undefined ? {} : { resolvedTtlDays: options.resolvedTtlDays }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  if ('storeDir' in options) {
    const { openEmbeddedStore } = await import('./sqlite/open.js');
    return openEmbeddedStore(options.storeDir, settings, { reset: options.reset === true });
  }
  const [{ DynamoDBClient }, { documentClient, DynamoFindingsStore }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('./dynamodb/store.js')]);
  const client = documentClient(new DynamoDBClient(options.region === undefined ? {} : { region: options.region }));
  return {
    store: new DynamoFindingsStore(client, options.tableName, settings),
    async close() {
      client.destroy();
    },
  };
}
