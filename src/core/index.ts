export { AppError, APP_ERROR_CODES, isAppError } from './app-error.js';
export type { AppErrorCode, AppErrorOptions } from './app-error.js';
export { Secret } from './secret.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { randomId, newRequestId } from './ids.js';
