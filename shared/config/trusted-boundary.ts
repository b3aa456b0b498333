import { readFile } from 'node:fs/promises';
import { isObject } from '../cloudtrail/record.js';
import { ONLY_OWN_ACCOUNT, parseTrustedList, type TrustBoundary } from '../policy/boundary.js';
import { optionalSetting, SettingsError, type Environment } from './settings.js';

/** Where the CLI looks for its settings when --config is not given (the current directory). */
export const DEFAULT_CONFIG_FILE = 'warden.config.json';

/** The Lambda setting: account ids and organization ids, comma-separated. */
export function trustedBoundaryFromEnvironment(env: Environment): TrustBoundary {
  const text = optionalSetting(env, 'TRUSTED_ACCOUNTS');
  if (text === undefined) return ONLY_OWN_ACCOUNT;
  try {
    return parseTrustedList(text, 'setting TRUSTED_ACCOUNTS');
  } catch (error) {
    throw new SettingsError((error as Error).message, { cause: error });
  }
}

/** What the config file may hold; every key is optional, and an unknown key is refused. */
export interface WardenConfig {
  readonly trustedAccounts?: TrustBoundary;
}

const CONFIG_KEYS = ['trustedAccounts'] as const;

/**
 * Reads a warden config file: `{"trustedAccounts": ["444455556666", "o-a1b2c3d4e5"]}`. A missing
 * default file is no config; a missing named file, bad JSON, an unknown key or a bad id is a
 * SettingsError that names the file and what is wrong.
 */
export async function readWardenConfig(path: string, { required }: { required: boolean }): Promise<WardenConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsError(`cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(value)) throw new SettingsError(`config file ${path} must hold a JSON object`);
  const unknown = Object.keys(value).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new SettingsError(`config file ${path}: unknown key ${unknown.join(', ')} (known: ${CONFIG_KEYS.join(', ')})`);
  const trusted = value['trustedAccounts'];
  if (trusted === undefined) return {};
  if (!Array.isArray(trusted) || !trusted.every((item) => typeof item === 'string')) {
    throw new SettingsError(`config file ${path}: trustedAccounts must be a list of account ids and organization ids (strings)`);
  }
  try {
    return { trustedAccounts: parseTrustedList(trusted.join(','), `config file ${path}: trustedAccounts`) };
  } catch (error) {
    throw new SettingsError((error as Error).message, { cause: error });
  }
}
