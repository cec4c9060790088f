/**
 * The shared behaviour every KeyManager backend must show (static, KES, later PKCS#11).
 * A backend test calls runKeyManagerContract with a harness; capabilities a backend lacks by
 * design (the static KMS holds one key) are asserted as NotSupported, not skipped.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KmsError, type KeyManager, type KmsErrorCode } from '../key-manager.js';
import { canonicalContext, sealWithMasterKey } from '../sealed-data-key.js';

export interface KeyManagerHarness {
  manager: KeyManager;
  /** Backend can create and import keys (false: both must answer NotSupported). */
  managesKeys: boolean;
  close?: () => Promise<void>;
}

export async function rejectsWith(promise: Promise<unknown>, code: KmsErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof KmsError, `expected KmsError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

export function runKeyManagerContract(name: string, setup: () => Promise<KeyManagerHarness>): void {
  describe(`KeyManager contract: ${name}`, () => {
    let h: KeyManagerHarness;
    let km: KeyManager;
    const context = { bucket: 'bucket/object', 'x-client': 'value' };
    before(async () => {
      h = await setup();
      km = h.manager;
    });
    after(async () => {
      await km.close();
      await h.close?.();
    });

    it('reports itself online with its default key', async () => {
      const status = await km.status();
      assert.equal(status.online, true);
      assert.equal(status.defaultKeyId, km.defaultKeyId);
      assert.equal(status.backend, km.backend);
    });

    it('lists the default key, filtered by prefix and sorted', async () => {
      assert.ok((await km.listKeys()).includes(km.defaultKeyId));
      assert.ok((await km.listKeys(km.defaultKeyId.slice(0, 3))).includes(km.defaultKeyId));
      assert.deepEqual(await km.listKeys('zz-no-such-prefix'), []);
      const all = await km.listKeys();
      assert.deepEqual(all, [...all].sort());
    });

    it('creates a key once, then answers KeyExists (or NotSupported with one key)', async () => {
      if (!h.managesKeys) return rejectsWith(km.createKey('another-key'), 'NotSupported');
      const keyId = `contract-${randomBytes(4).toString('hex')}`;
      await km.createKey(keyId);
      assert.ok((await km.listKeys('contract-')).includes(keyId));
      await rejectsWith(km.createKey(keyId), 'KeyExists');
      const dk = await km.generateDataKey(keyId, context);
      assert.deepEqual(await km.decrypt(keyId, dk.ciphertext, context), dk.plaintext);
    });

    it('generates a fresh 32-byte data key that decrypts back under the same context', async () => {
      const a = await km.generateDataKey(km.defaultKeyId, context);
      const b = await km.generateDataKey(km.defaultKeyId, context);
      assert.equal(a.plaintext.length, 32);
      assert.notDeepEqual(a.plaintext, b.plaintext);
      assert.notDeepEqual(a.ciphertext, b.ciphertext);
      assert.deepEqual(await km.decrypt(km.defaultKeyId, a.ciphertext, context), a.plaintext);
      const reordered = { 'x-client': 'value', bucket: 'bucket/object' };
      assert.deepEqual(await km.decrypt(km.defaultKeyId, a.ciphertext, reordered), a.plaintext);
    });

    it('binds the context: any other context is NotAuthentic', async () => {
      const dk = await km.generateDataKey(km.defaultKeyId, context);
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext, { bucket: 'bucket/other' }), 'NotAuthentic');
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext, {}), 'NotAuthentic');
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext, { ...context, extra: '' }), 'NotAuthentic');
    });

    it('refuses a ciphertext with any flipped byte, or cut short, as NotAuthentic', async () => {
      const dk = await km.generateDataKey(km.defaultKeyId, context);
      for (const at of [0, 31, 32, 47, 48, 63, dk.ciphertext.length - 1]) {
        const tampered = Buffer.from(dk.ciphertext);
        tampered[at] = (tampered[at] ?? 0) ^ 0x01;
        await rejectsWith(km.decrypt(km.defaultKeyId, tampered, context), 'NotAuthentic');
      }
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext.subarray(1), context), 'NotAuthentic');
      await rejectsWith(km.decrypt(km.defaultKeyId, Buffer.alloc(0), context), 'NotAuthentic');
    });

    it('answers NotFound for an unknown key and InvalidInput for a malformed key id', async () => {
      const dk = await km.generateDataKey(km.defaultKeyId, context);
      await rejectsWith(km.generateDataKey('no-such-key', context), 'NotFound');
      await rejectsWith(km.decrypt('no-such-key', dk.ciphertext, context), 'NotFound');
      await rejectsWith(km.generateDataKey('../etc/passwd', context), 'InvalidInput');
      await rejectsWith(km.generateDataKey('a/b', context), 'InvalidInput');
    });

    it('imports a raw key that then opens ciphertexts sealed in the shared format (or NotSupported)', async () => {
      const key = randomBytes(32);
      const keyId = `imported-${randomBytes(4).toString('hex')}`;
      if (!h.managesKeys) return rejectsWith(km.importKey(keyId, key), 'NotSupported');
      await km.importKey(keyId, key);
      const dataKey = randomBytes(32);
      const sealed = sealWithMasterKey(key, dataKey, canonicalContext(context));
      assert.deepEqual(await km.decrypt(keyId, sealed, context), dataKey);
      await rejectsWith(km.importKey(keyId, key), 'KeyExists');
      await rejectsWith(km.importKey(`${keyId}-short`, key.subarray(1)), 'InvalidInput');
    });
  });
}
