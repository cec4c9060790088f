/** One audit event per API request, success or failure, named with the AWS operation. */
import type { Logger } from './logger.js';

export interface AuditEvent {
  time: string;
  requestId: string;
  api: string;
  bucket: string | undefined;
  object: string | undefined;
  statusCode: number;
  errorCode: string | undefined;
  accessKey: string | undefined;
  remoteHost: string | undefined;
  userAgent: string | undefined;
  durationMs: number;
}

export interface AuditSink {
  record(event: AuditEvent): void;
}

export function createLogAuditSink(logger: Logger): AuditSink {
  const audit = logger.child({ type: 'audit' });
  return { record: (event) => audit.info({ ...event }) };
}
