import { mkdir } from 'node:fs/promises';
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
  if (storeDir !== undefined) {
    path = join(storeDir, DYNALITE_SUBDIR);
    await mkdir(path, { recursive: true });
  }
  const server = dynalite({ ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
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
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
