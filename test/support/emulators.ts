/**
 * The local emulators a test file (or a describe block) runs against, with one lifecycle: started in
 * beforeAll, stopped in afterAll. Call `useDynalite()` / `useSns()` where the hooks belong; the handle
 * they return is for tests and later hooks, and throws if touched before its emulator started.
 */
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startDynalite } from './dynalite.js';
import { type LocalSns, startSns } from './sns.js';

export interface EmulatorOptions {
  /**
   * Also point the SDK's own configuration at the emulator, for code that builds its own clients (the
   * Lambda handlers, the CLI): AWS_ENDPOINT_URL_<SERVICE>, dummy credentials and us-east-1, each
   * restored afterwards.
   */
  readonly sdkEnvironment?: boolean;
}

/** dynalite in memory, for the findings tables. */
export function useDynalite(options: EmulatorOptions = {}): LocalDynamo {
  return useEmulator(
    () => startDynalite(),
    (dynamo) => dynamo.stop(),
    options.sdkEnvironment === true ? (dynamo) => ({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }) : undefined,
  );
}

/** fauxqs with one topic and a queue subscribed to it (see startSns). */
export function useSns(topicName?: string, options: EmulatorOptions = {}): LocalSns {
  return useEmulator(
    () => startSns(topicName),
    (sns) => sns.close(),
    options.sdkEnvironment === true ? (sns) => ({ AWS_ENDPOINT_URL_SNS: sns.endpoint }) : undefined,
  );
}

const SDK_ENVIRONMENT = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

function useEmulator<T extends object>(
  start: () => Promise<T>,
  stop: (emulator: T) => Promise<void>,
  environmentOf?: (emulator: T) => Record<string, string>,
): T {
  let emulator: T | undefined;
  beforeAll(async () => {
    emulator = await start();
  });
  if (environmentOf !== undefined) useEnvironment(() => ({ ...SDK_ENVIRONMENT, ...environmentOf(emulator!) }));
  afterAll(async () => {
    if (emulator !== undefined) await stop(emulator);
  });
  // A stand-in until beforeAll has run: the handle is created when the file is collected, the emulator later.
  return new Proxy({} as T, {
    get(_target, property) {
      if (emulator === undefined) throw new Error(`emulator used before its beforeAll started it (reading ${String(property)})`);
      const value: unknown = Reflect.get(emulator, property, emulator);
      return typeof value === 'function' ? value.bind(emulator) : value;
    },
  });
}

/**
 * Environment variables for the file (the SDK's endpoint and credential variables, a handler's
 * settings): set in beforeAll from `valuesOf` (called then, so it may read a started emulator), each
 * restored in afterAll, including any a test changed meanwhile.
 */
export function useEnvironment(valuesOf: () => Record<string, string>): void {
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const [name, value] of Object.entries(valuesOf())) {
      if (!saved.has(name)) saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
