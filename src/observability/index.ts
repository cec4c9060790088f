export { createLogger, silentLogger, REDACTED_PATHS } from './logger.js';
export type { Logger } from './logger.js';
export { createLogAuditSink } from './audit.js';
export type { AuditEvent, AuditSink } from './audit.js';
