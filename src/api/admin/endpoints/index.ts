import type { AdminEndpoint } from '../endpoint.js';
import { ACCESS_KEY_ENDPOINTS } from './access-keys.js';
import { EXPLAIN_ENDPOINTS } from './explain.js';
import { GROUP_ENDPOINTS } from './groups.js';
import { idpEndpoints, type AdminIdpDeps } from './idp.js';
import { INFO_ENDPOINTS } from './info.js';
import { kmsEndpoints, type AdminKmsDeps } from './kms-keys.js';
import { kmsRotateEndpoints, type AdminKeyRotation } from './kms-rotate.js';
import { POLICY_ENDPOINTS } from './policies.js';
import { ROLE_ENDPOINTS } from './roles.js';
import { USER_ENDPOINTS } from './users.js';

/** Every admin endpoint, in documentation order. */
export type { AdminIdpDeps, AdminKeyRotation };

export function adminEndpoints(options: { kms?: AdminKmsDeps & { rotation?: AdminKeyRotation | undefined }; idp?: AdminIdpDeps } = {}): readonly AdminEndpoint[] {
  return [...INFO_ENDPOINTS, ...USER_ENDPOINTS, ...GROUP_ENDPOINTS, ...POLICY_ENDPOINTS, ...EXPLAIN_ENDPOINTS, ...ACCESS_KEY_ENDPOINTS, ...ROLE_ENDPOINTS,
    ...(options.kms ? [...kmsEndpoints(options.kms), ...kmsRotateEndpoints(options.kms)] : []), ...(options.idp ? idpEndpoints(options.idp) : [])];
}
