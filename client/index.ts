/** Coffer's typed admin client (used by the CLI and, later, the console). No server imports. */
export { AdminClient } from './admin-client.js';
export type { AdminClientOptions } from './admin-client.js';
export { AdminApiError, isAdminApiError } from './errors.js';
export { signRequest } from './sigv4.js';
export type { Credentials } from './sigv4.js';
export type * from './types.js';
