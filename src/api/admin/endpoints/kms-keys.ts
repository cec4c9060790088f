/**
 * The KMS on the admin API (`coffer admin kms status|key list|key create|key import`):
 *   GET  /kms/status                      admin:KMSKeyStatus  backend, default key, endpoints (never credentials)
 *   GET  /kms/keys?prefix=                admin:KMSKeyStatus  key names
 *   POST /kms/keys/{name}                 admin:KMSCreateKey  create a key (KES, PKCS#11; static → NotImplemented)
 *   POST /kms/keys/{name}/import?to=kes|pkcs11  admin:KMSCreateKey  copy the legacy static key into KES / the token
 * api/admin may not import kms/: app/ passes the KeyManager (it fits AdminKms structurally) and
 * kms' importStaticKey. KMS conditions become admin errors here; backend text never leaks.
 */
import { AppError, type AppErrorCode } from '../../../core/index.js';
import type { AdminEndpoint } from '../endpoint.js';
import { invalid, noBody, queryParams } from '../input.js';

export interface AdminKms {
  status(): Promise<{ backend: string; online: boolean; defaultKeyId: string; legacyKeyId?: string; endpoints?: Array<{ endpoint: string; online: boolean; latencyMs?: number; error?: string }> }>;
  listKeys(prefix?: string): Promise<string[]>;
  createKey(keyId: string): Promise<void>;
}

export interface AdminKmsDeps {
  kms: AdminKms | undefined;
  /** kms' importStaticKey bound to the server's KeyManager. */
  importStaticKey?: (keyId: string, to: ImportTarget) => Promise<void>;
}

/** Where a static key can be imported: the external KMS configured next to it. */
export type ImportTarget = 'kes' | 'pkcs11';
const IMPORT_TARGETS: readonly string[] = ['kes', 'pkcs11'] satisfies ImportTarget[];

const KEY_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;
const BY_KMS_CODE: Record<string, [AppErrorCode, string]> = {
  NotFound: ['NoSuchEntity', 'The KMS key does not exist.'],
  KeyExists: ['EntityAlreadyExists', 'The KMS key already exists.'],
  NotSupported: ['NotImplemented', 'The configured KMS does not support this operation.'],
  Unavailable: ['ServiceUnavailable', 'The KMS is unavailable. Please try again.'],
  Denied: ['AccessDenied', 'The KMS refused the request.'],
  InvalidInput: ['InvalidInput', 'The KMS refused the input.'],
};

export async function kmsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as { name?: unknown; code?: unknown } | null)?.name === 'KmsError' ? String((error as { code: unknown }).code) : '';
    const mapped = BY_KMS_CODE[code];
    if (mapped) throw new AppError(mapped[0], { message: mapped[1] });
    throw error;
  }
}

function configured(deps: AdminKmsDeps): AdminKms {
  if (!deps.kms) throw new AppError('NotImplemented', { message: 'No KMS is configured (set COFFER_KMS_SECRET_KEY or COFFER_KMS_KES_ENDPOINT).' });
  return deps.kms;
}

export function keyName(name: string | undefined): string {
  if (name === undefined || !KEY_NAME.test(name)) throw invalid('A KMS key name is 1–80 characters of A–Z, a–z, 0–9, "-", "_", ".".');
  return name;
}

export function kmsEndpoints(deps: AdminKmsDeps): readonly AdminEndpoint[] {
  return [
    { name: 'KMSStatus', method: 'GET', path: '/kms/status', plan({ body, query }) {
      noBody(body);
      queryParams(query, []);
      return { checks: [{ action: 'admin:KMSKeyStatus' }], run: async () => ({ status: 200, body: await kmsCall(() => configured(deps).status()) }) };
    } },
    { name: 'KMSListKeys', method: 'GET', path: '/kms/keys', plan({ body, query }) {
      noBody(body);
      const prefix = queryParams(query, ['prefix']).prefix ?? '';
      if (prefix !== '' && !/^[A-Za-z0-9._-]{1,80}$/.test(prefix)) throw invalid('Invalid key prefix.');
      return { checks: [{ action: 'admin:KMSKeyStatus' }], run: async () => ({ status: 200, body: { keys: await kmsCall(() => configured(deps).listKeys(prefix)) } }) };
    } },
    { name: 'KMSCreateKey', method: 'POST', path: '/kms/keys/{name}', plan({ body, query, params }) {
      noBody(body);
      queryParams(query, []);
      const name = keyName(params.name);
      return { checks: [{ action: 'admin:KMSCreateKey' }], run: async () => {
        await kmsCall(() => configured(deps).createKey(name));
        return { status: 200, body: { key: name, created: true } };
      } };
    } },
    { name: 'KMSImportKey', method: 'POST', path: '/kms/keys/{name}/import', plan({ body, query, params }) {
      noBody(body);
      const { to } = queryParams(query, ['to']);
      if (to === undefined || !IMPORT_TARGETS.includes(to)) throw invalid('Import target must be to=kes or to=pkcs11.');
      const target = to as ImportTarget;
      const name = keyName(params.name);
      return { checks: [{ action: 'admin:KMSCreateKey' }], run: async () => {
        configured(deps);
        const importKey = deps.importStaticKey;
        if (!importKey) throw new AppError('NotImplemented', { message: 'Key import needs KES or PKCS#11 with COFFER_KMS_SECRET_KEY_LEGACY=true.' });
        await kmsCall(() => importKey(name, target));
        return { status: 200, body: { key: name, importedTo: target } };
      } };
    } },
  ];
}
