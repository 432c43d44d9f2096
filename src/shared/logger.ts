import { pino, type Logger } from 'pino';

/**
 * Paths that may hold credentials anywhere we log an object. pino replaces them with
 * "[redacted]" before serialising, so a secret can reach a log line only if it is
 * interpolated into a message string, which we never do.
 */
export const REDACT_PATHS = [
  'password', '*.password',
  'secret', '*.secret', 'clientSecret', '*.clientSecret', 'client_secret', '*.client_secret',
  'token', '*.token', 'access_token', '*.access_token', 'refresh_token', '*.refresh_token',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'headers.cookie', 'req.headers.cookie',
  'masterKey', '*.masterKey', 'privateKey', '*.privateKey',
];

export function createLogger(options: { level: string; name: string; file?: string }): Logger {
  const destination = options.file ? pino.destination({ dest: options.file, sync: true, mkdir: true, append: true }) : undefined;
  return pino({
    level: options.level,
    name: options.name,
    base: { pid: process.pid, proc: options.name },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination ?? pino.destination(1));
}

export type { Logger };
