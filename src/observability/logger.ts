/**
 * Structured logs (pino, JSON lines) with redaction: credentials, signatures, session tokens
 * and SSE-C keys are replaced before a line is written, wherever they appear in the object.
 */
import { pino } from 'pino';

export interface Logger {
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
  debug(object: Record<string, unknown>, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*["x-amz-security-token"]',
  '*.headers["x-amz-security-token"]',
  '*["x-amz-server-side-encryption-customer-key"]',
  '*.headers["x-amz-server-side-encryption-customer-key"]',
  '*["x-amz-copy-source-server-side-encryption-customer-key"]',
  '*.headers["x-amz-copy-source-server-side-encryption-customer-key"]',
  'secretKey',
  '*.secretKey',
  'password',
  '*.password',
];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { level: options.level, base: { service: 'coffer' }, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' }, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ sync: false }),
  ) as unknown as Logger;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
