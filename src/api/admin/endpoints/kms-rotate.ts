/**
 * Key rotation on the admin API (`coffer admin kms rotate`):
 *   POST /kms/rotate  admin:KMSRotateKey  {key?, fromKey?, bucket?, prefix?, resume?} → 202 + status; the job runs in the background
 *   GET  /kms/rotate  admin:KMSKeyStatus  → status {state, total, processed, rotated, skipped, failed, …, marker}
 * Re-wrapping never exposes key material: requests and statuses carry names, counts and the marker.
 * One rotation at a time (EntityAlreadyExists while one runs); `resume` continues the last
 * unfinished one with its own options (no other field may be given with it).
 */
import { AppError } from '../../../core/index.js';
import type { RotationOptions, RotationStatus } from '../../../services/index.js';
import type { AdminEndpoint } from '../endpoint.js';
import { invalid, noBody, objectBody, optBool, optStr, queryParams } from '../input.js';
import { keyName, kmsCall } from './kms-keys.js';

/** The service's KeyRotation, as far as the admin API uses it. */
export interface AdminKeyRotation {
  start(request: RotationOptions & { resume?: boolean }): Promise<RotationStatus>;
  status(): Promise<RotationStatus>;
}

const FIELDS = ['key', 'fromKey', 'bucket', 'prefix', 'resume'] as const;

function configured(rotation: AdminKeyRotation | undefined): AdminKeyRotation {
  if (!rotation) throw new AppError('NotImplemented', { message: 'No KMS is configured (set COFFER_KMS_SECRET_KEY or COFFER_KMS_KES_ENDPOINT).' });
  return rotation;
}

function rotateRequest(body: Parameters<typeof objectBody>[0]): RotationOptions & { resume?: boolean } {
  const fields = objectBody(body, FIELDS);
  const resume = optBool(fields, 'resume') === true;
  const key = fields.key === undefined ? undefined : keyName(optStr(fields, 'key', 80));
  const fromKey = fields.fromKey === undefined ? undefined : keyName(optStr(fields, 'fromKey', 80));
  const bucket = optStr(fields, 'bucket', 63);
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw invalid('The field bucket must be a bucket name.');
  const prefix = optStr(fields, 'prefix', 1024);
  const options: RotationOptions = { ...(key ? { key } : {}), ...(fromKey ? { fromKey } : {}), ...(bucket ? { bucket } : {}), ...(prefix ? { prefix } : {}) };
  if (resume && Object.keys(options).length > 0) throw invalid('resume continues the last rotation with its own options; give no other field with it.');
  return resume ? { resume } : options;
}

export function kmsRotateEndpoints(deps: { rotation?: AdminKeyRotation | undefined }): readonly AdminEndpoint[] {
  return [
    { name: 'KMSRotateKey', method: 'POST', path: '/kms/rotate', plan({ body, query }) {
      queryParams(query, []);
      const request = rotateRequest(body);
      return { checks: [{ action: 'admin:KMSRotateKey' }], run: async () => ({ status: 202, body: await kmsCall(() => configured(deps.rotation).start(request)) }) };
    } },
    { name: 'KMSRotateStatus', method: 'GET', path: '/kms/rotate', plan({ body, query }) {
      noBody(body);
      queryParams(query, []);
      return { checks: [{ action: 'admin:KMSKeyStatus' }], run: async () => ({ status: 200, body: await configured(deps.rotation).status() }) };
    } },
  ];
}
