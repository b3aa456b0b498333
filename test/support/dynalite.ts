import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo } from '../../shared/findings/embedded.js';
import { documentClient } from '../../shared/findings/store.js';
import { ensureFindingsTable } from '../../shared/findings/table.js';

export interface LocalDynamo {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** A document client on the endpoint (dummy credentials). */
  readonly client: DynamoDBDocumentClient;
  /** Creates a fresh findings table and returns its name (one per test keeps tests apart). */
  createTable(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

/** Starts dynalite on 127.0.0.1 on a free port (in memory unless `storeDir`), for one test file. */
export async function startDynalite(storeDir?: string): Promise<LocalDynamo> {
  const dynamo = await startEmbeddedDynamo(storeDir);
  const base = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const client = documentClient(base);
  return {
    endpoint: dynamo.endpoint,
    client,
    async createTable(prefix = 'findings') {
      tables += 1;
      const name = `${prefix}-${process.pid}-${tables}`;
      await ensureFindingsTable(base, name);
      return name;
    },
    async stop() {
      client.destroy();
      await dynamo.close();
    },
  };
}
