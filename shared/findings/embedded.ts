import { mkdir, open, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The directory under a store where dynalite keeps its LevelDB files. */
export const DYNALITE_SUBDIR = 'dynamodb';

/**
 * Starts dynalite in this process on 127.0.0.1 and an ephemeral port. With a directory, the table
 * persists there (under `dynamodb/`); without one, it lives in memory (tests).
 */
export async function startEmbeddedDynamo(storeDir?: string): Promise<EmbeddedDynamo> {
  let path: string | undefined;
  let unlock = async (): Promise<void> => {};
  if (storeDir !== undefined) {
    path = join(storeDir, DYNALITE_SUBDIR);
    await mkdir(path, { recursive: true });
    unlock = await lockStore(storeDir);
  }
  const server = dynalite({ ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => void unlock().finally(() => reject(error)));
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => void unlock().finally(() => (error ? reject(error) : resolve())));
      }),
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
