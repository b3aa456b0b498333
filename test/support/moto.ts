/**
 * moto's server (AWS's APIs over HTTP, `pip install "moto[server]"`) for tests of code that reads an
 * account: one server per test file (it takes a few seconds to start), reset between tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** The account moto's resources belong to. */
  readonly account: string;
  /** Static credentials for clients on the endpoint. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Load the AWS-managed IAM policies, so they can be attached (slower to start IAM). */
  readonly loadManagedPolicies?: boolean;
}

/**
 * The environment with which the CLI, which builds its own clients through the standard credential
 * chain, reaches moto for Security Hub and STS (the variables the SDK reads), one attempt per call.
 */
export function securityHubOnMoto(moto: MotoServer): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SECURITYHUB: moto.endpoint,
    AWS_ENDPOINT_URL_STS: moto.endpoint,
    AWS_MAX_ATTEMPTS: '1',
  };
}

const MISSING = 'moto_server is not installed: pip install "moto[server]"';
const STARTUP_TIMEOUT_MS = 30_000;

/** Starts moto_server on 127.0.0.1 and a free port; fails with one line when moto is missing. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const env = { ...process.env, ...(options.loadManagedPolicies === true ? { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' } : {}) };
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await untilReady(child, endpoint, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    account: '123456789012',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => stopChild(child),
  };
}

/** One moto server for the file: started in beforeAll, stopped in afterAll. The handle throws if used before it started. */
export function useMoto(options: MotoOptions = {}): MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto(options);
  }, STARTUP_TIMEOUT_MS + 5_000);
  afterAll(async () => {
    await server?.stop();
  });
  return new Proxy({} as MotoServer, {
    get(_target, property) {
      if (server === undefined) throw new Error(`moto used before its beforeAll started it (reading ${String(property)})`);
      const value: unknown = Reflect.get(server, property, server);
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}

async function untilReady(child: ChildProcess, endpoint: string, output: () => string): Promise<void> {
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? MISSING : `moto_server: ${error.message}`)));
    child.once('exit', (code) => {
      const text = output();
      reject(
        new Error(
          /No module named|not found/i.test(text) ? MISSING : `moto_server exited (${code}) before it answered: ${text.trim().split('\n').at(-1) ?? ''}`,
        ),
      );
    });
  });
  exited.catch(() => {});
  const ready = (async () => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${endpoint}/moto-api/data.json`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`moto_server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s`);
  })();
  await Promise.race([ready, exited]);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A port nobody listens on now (the server binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
