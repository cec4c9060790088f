export { createAdminHandler, MAX_ADMIN_BODY_BYTES } from './pipeline.js';
export type { AdminApiDeps } from './pipeline.js';
export { ADMIN_BASE } from './router.js';
export type { AdminEndpoint } from './endpoint.js';
export { adminEndpoints } from './endpoints/index.js';

/** Requests whose raw path starts with this go to the admin API. */
export const ADMIN_PATH_PREFIX = '/coffer/admin/';
export { packageVersion } from './version.js';
