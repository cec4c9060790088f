/** The audit-event fields every protocol (S3, IAM/STS, admin) takes from the exchange itself. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ExchangeAuditFields {
  time: string;
  statusCode: number;
  remoteHost: string | undefined;
  userAgent: string | undefined;
  durationMs: number;
}

/** `started` is performance.now() when the request arrived. */
export function exchangeAuditFields(req: IncomingMessage, res: ServerResponse, started: number): ExchangeAuditFields {
  return {
    time: new Date().toISOString(),
    statusCode: res.statusCode,
    remoteHost: req.socket.remoteAddress,
    userAgent: req.headers['user-agent'],
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
