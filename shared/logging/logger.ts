import { pino, type Logger } from 'pino';

export type { Logger };

/** The part of a logger that pure shared code needs (pino's satisfies it; tests pass a recorder). */
export interface FieldLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: FieldLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The one logger. Shared code takes it as a parameter; messages are fixed strings with data as fields.
 * Paths that could carry a secret are redacted at the source as a second guard.
 */
export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'iam-warden',
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: {
        paths: ['*.secretAccessKey', '*.SecretAccessKey', '*.sessionToken', '*.SessionToken', '*.password', '*.SecretString'],
        censor: '[REDACTED]',
      },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
