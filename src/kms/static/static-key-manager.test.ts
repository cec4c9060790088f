import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Secret } from '../../core/index.js';
import { rejectsWith, runKeyManagerContract } from '../contract/index.js';
import { canonicalContext, openWithMasterKey } from '../sealed-data-key.js';
import { StaticKeyManager } from './index.js';

const key = randomBytes(32);
runKeyManagerContract('static', async () => ({
  manager: new StaticKeyManager({ keyId: 'coffer-default-key', key: new Secret(key) }),
  managesKeys: false,
}));

describe('static KMS', () => {
  it('seals data keys as gcm ‖ tag ‖ iv ‖ nonce under HMAC-SHA256(K, iv)', async () => {
    const km = new StaticKeyManager({ keyId: 'k1', key: new Secret(key) });
    const dk = await km.generateDataKey('k1', { b: 'b/o' });
    assert.equal(dk.ciphertext.length, 32 + 16 + 16 + 12);
    assert.deepEqual(openWithMasterKey(key, dk.ciphertext, canonicalContext({ b: 'b/o' })), dk.plaintext);
  });

  it('a different master key under the same name cannot open its ciphertexts', async () => {
    const dk = await new StaticKeyManager({ keyId: 'k1', key: new Secret(key) }).generateDataKey('k1', {});
    await rejectsWith(new StaticKeyManager({ keyId: 'k1', key: new Secret(randomBytes(32)) }).decrypt('k1', dk.ciphertext, {}), 'NotAuthentic');
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => new StaticKeyManager({ keyId: 'k1', key: new Secret(randomBytes(16)) }), /32 bytes/);
  });

  it('never shows the key when logged', () => {
    const km = new StaticKeyManager({ keyId: 'k1', key: new Secret(key) });
    assert.ok(!JSON.stringify(km).includes(key.toString('base64')));
  });
});
