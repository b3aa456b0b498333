import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/findings/dynamodb/store.js';
import { ensureFindingsTable } from '../../shared/findings/dynamodb/table.js';

export interface DynaliteServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface LocalDynamo {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** A document client on the endpoint (dummy credentials). */
  readonly client: DynamoDBDocumentClient;
  /** Creates a fresh findings table and returns its name (one per test keeps tests apart). */
  createTable(prefix?: string): Promise<string>;
  /** Stops dynalite (DynamoDB unreachable); a second call does nothing. */
  stop(): Promise<void>;
}

/**
 * dynalite in a worker thread: its request parsing and LevelDB work run beside the code under test
 * instead of between its awaits. CommonJS source, so the worker needs no TypeScript loader.
 */
const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.dynalite)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.closeAllConnections?.();
  server.close(() => parentPort.close());
});
`;

/** Starts dynalite, in memory, on 127.0.0.1 and an ephemeral port (tests and benchmarks of the DynamoDB store). */
export async function runDynalite(): Promise<DynaliteServer> {
  const worker = new Worker(DYNALITE_WORKER, { eval: true, workerData: { dynalite: createRequire(import.meta.url).resolve('dynalite') } });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`dynalite stopped before it started (exit ${code})`)));
      worker.once('message', (message: { port?: number; error?: string }) =>
        message.port === undefined ? reject(new Error(`dynalite did not start: ${message.error ?? 'no port'}`)) : resolve(message.port),
      );
    });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.removeAllListeners();
  // A test run never waits on this thread to exit: it ends with close() or with the process.
  worker.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

let tables = 0;

/** dynalite with a document client and fresh findings tables, for one test file. */
export async function startDynalite(): Promise<LocalDynamo> {
  const dynamo = await runDynalite();
  const base = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const client = documentClient(base);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: dynamo.endpoint,
    client,
    async createTable(prefix = 'findings') {
      tables += 1;
      const name = `${prefix}-${process.pid}-${tables}`;
      await ensureFindingsTable(base, name);
      return name;
    },
    stop() {
      stopped ??= (async () => {
        client.destroy();
        await dynamo.close();
      })();
      return stopped;
    },
  };
}
