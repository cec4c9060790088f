import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../../core/index.js';
import type { AdminContext, AdminEndpoint } from '../endpoint.js';
import { kmsEndpoints, type AdminKms } from './kms-keys.js';

class FakeKmsError extends Error {
  override name = 'KmsError';
  constructor(readonly code: string) { super(`kms says ${code}`); }
}

function fakeKms(keys: string[]): AdminKms {
  return {
    status: async () => ({ backend: 'kes', online: true, defaultKeyId: 'k1', endpoints: [{ endpoint: 'https://kes:7373', online: true }] }),
    listKeys: async (prefix = '') => keys.filter((k) => k.startsWith(prefix)),
    createKey: async (name) => {
      if (keys.includes(name)) throw new FakeKmsError('KeyExists');
      keys.push(name);
    },
  };
}

async function call(endpoints: readonly AdminEndpoint[], name: string, params: Record<string, string> = {}, query = '') {
  const endpoint = endpoints.find((e) => e.name === name);
  assert.ok(endpoint);
  const plan = await endpoint.plan({ params, query: new URLSearchParams(query), body: undefined }, {} as AdminContext);
  return { checks: plan.checks, reply: await plan.run() };
}

async function appErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAppError(error), String(error));
    return error.code;
  }
  return 'no error';
}

describe('admin KMS endpoints', () => {
  it('shows the KMS status behind admin:KMSKeyStatus', async () => {
    const { checks, reply } = await call(kmsEndpoints({ kms: fakeKms(['k1']) }), 'KMSStatus');
    assert.deepEqual(checks, [{ action: 'admin:KMSKeyStatus' }]);
    assert.equal((reply.body as { defaultKeyId: string }).defaultKeyId, 'k1');
  });

  it('lists keys by prefix and creates keys behind admin:KMSCreateKey', async () => {
    const endpoints = kmsEndpoints({ kms: fakeKms(['k1', 'other']) });
    assert.deepEqual((await call(endpoints, 'KMSListKeys', {}, 'prefix=k')).reply.body, { keys: ['k1'] });
    const created = await call(endpoints, 'KMSCreateKey', { name: 'k2' });
    assert.deepEqual(created.checks, [{ action: 'admin:KMSCreateKey' }]);
    assert.equal(await appErrorCode(call(endpoints, 'KMSCreateKey', { name: 'k2' })), 'EntityAlreadyExists');
    assert.equal(await appErrorCode(call(endpoints, 'KMSCreateKey', { name: '../x' })), 'InvalidInput');
  });

  it('answers NotImplemented without a KMS, and maps an unreachable KMS to ServiceUnavailable', async () => {
    assert.equal(await appErrorCode(call(kmsEndpoints({ kms: undefined }), 'KMSStatus')), 'NotImplemented');
    const down: AdminKms = { ...fakeKms([]), listKeys: async () => { throw new FakeKmsError('Unavailable'); } };
    assert.equal(await appErrorCode(call(kmsEndpoints({ kms: down }), 'KMSListKeys')), 'ServiceUnavailable');
  });

  it('imports the legacy static key only with to=kes or to=pkcs11 and an import function', async () => {
    const imported: string[] = [];
    const endpoints = kmsEndpoints({ kms: fakeKms([]), importStaticKey: async (k, to) => void imported.push(`${k} to ${to}`) });
    await call(endpoints, 'KMSImportKey', { name: 'coffer-default-key' }, 'to=kes');
    await call(endpoints, 'KMSImportKey', { name: 'coffer-default-key' }, 'to=pkcs11');
    assert.deepEqual(imported, ['coffer-default-key to kes', 'coffer-default-key to pkcs11']);
    assert.equal(await appErrorCode(call(endpoints, 'KMSImportKey', { name: 'k' }, 'to=vault')), 'InvalidInput');
    assert.equal(await appErrorCode(call(kmsEndpoints({ kms: fakeKms([]) }), 'KMSImportKey', { name: 'k' }, 'to=kes')), 'NotImplemented');
  });
});
