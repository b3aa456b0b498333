/** Settings are read once at start-up; a wrong one fails fast with a message that names it. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function requiredSetting(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (value === undefined || value === '') throw new SettingsError(`setting ${name} is required`);
  return value;
}

export function optionalSetting(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function oneOfSetting<T extends string>(env: Environment, name: string, allowed: readonly T[], fallback: T): T {
  const value = optionalSetting(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new SettingsError(`setting ${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

export function numberSetting(env: Environment, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = optionalSetting(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new SettingsError(`setting ${name} must be a number from ${min} to ${max}; got "${raw}"`);
  return value;
}
