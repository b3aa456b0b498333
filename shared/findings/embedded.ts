import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedDynamo {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The directory under a store where dynalite keeps its LevelDB files. */
export const DYNALITE_SUBDIR = 'dynamodb';

/**
 * Runs dynalite in a worker thread: the findings table's work (request parsing, LevelDB) then runs
 * on the machine's other core while the replay keeps reading and parsing CloudTrail on this one.
 * CommonJS source, so it needs no TypeScript loader in the worker.
 */
const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.dynalite)(workerData.options);
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.closeAllConnections?.();
  server.close(() => parentPort.close());
});
`;

/**
 * Starts dynalite on 127.0.0.1 and an ephemeral port, in a worker thread of this process. With a
 * directory, the table persists there (under `dynamodb/`); without one, it lives in memory (tests).
 */
export async function startEmbeddedDynamo(storeDir?: string): Promise<EmbeddedDynamo> {
  let path: string | undefined;
  let unlock = async (): Promise<void> => {};
  if (storeDir !== undefined) {
    path = join(storeDir, DYNALITE_SUBDIR);
    await mkdir(path, { recursive: true });
    unlock = await lockStore(storeDir);
  }
  const options = { ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  const worker = new Worker(DYNALITE_WORKER, { eval: true, workerData: { dynalite: createRequire(import.meta.url).resolve('dynalite'), options } });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded DynamoDB stopped before it started (exit ${code})`)));
      worker.once('message', (message: { port?: number; error?: string }) =>
        message.port === undefined ? reject(new Error(`the embedded DynamoDB did not start: ${message.error ?? 'no port'}`)) : resolve(message.port),
      );
    });
  } catch (error) {
    await worker.terminate();
    await unlock();
    throw error;
  }
  worker.removeAllListeners();
  // A replay must never wait on this thread to exit: it ends with close() or with the process.
  worker.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      worker.postMessage('close');
      await exited;
      await unlock();
    },
  };
}

/** Another process (or this one) has the store open: LevelDB allows one opener at a time. */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
}

/**
 * Takes `DIR/dynamodb.lock` (our pid inside) before dynalite opens LevelDB, whose own lock failure
 * would surface as an uncaught error inside dynalite. A lock left by a dead process is taken over.
 */
async function lockStore(storeDir: string): Promise<() => Promise<void>> {
  const lockPath = join(storeDir, `${DYNALITE_SUBDIR}.lock`);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new StoreInUseError(`store ${storeDir} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new StoreInUseError(`store ${storeDir} is being opened by another process`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
