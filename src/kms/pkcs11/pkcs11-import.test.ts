import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Secret } from '../../core/index.js';
import { initToken, softHsmSkip, tokenSettings } from '../../../test/helpers/softhsm.js';
import { rejectsWith } from '../contract/index.js';
import { createKeyManager, importStaticKey } from '../factory.js';
import type { Handle } from './pkcs11-api.js';
import { Pkcs11KeyManager, type Pkcs11Settings } from './index.js';
import { Pkcs11Token } from './pkcs11-session.js';

const skip = softHsmSkip();
const context = { bucket: 'bucket/old-object' };

function settings(label: string, defaultKeyId = 'hsm-key'): Pkcs11Settings {
  const s = tokenSettings(label, defaultKeyId);
  return { ...s, pin: new Secret(s.pin) };
}

if (skip) {
  describe('moving from the static KMS to PKCS#11', { skip }, () => {});
} else {
  const tokens = { direct: initToken('import-direct'), legacy: initToken('import-legacy'), factory: initToken('factory') };
  const staticKey = { keyId: 'coffer-default-key', key: new Secret(randomBytes(32)) };

  describe('moving from the static KMS to PKCS#11', () => {
    it('a static key imported into the token decrypts the data keys the static KMS sealed', async () => {
      const { StaticKeyManager } = await import('../static/index.js');
      const old = await new StaticKeyManager(staticKey).generateDataKey('coffer-default-key', context);
      const km = await Pkcs11KeyManager.open(settings(tokens.direct));
      await km.importKey('coffer-default-key', staticKey.key.reveal());
      assert.deepEqual(await km.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
      await rejectsWith(km.decrypt('coffer-default-key', old.ciphertext, { bucket: 'bucket/other' }), 'NotAuthentic');
      const tampered = Buffer.from(old.ciphertext);
      tampered[tampered.length - 13] = (tampered[tampered.length - 13] ?? 0) ^ 1;
      await rejectsWith(km.decrypt('coffer-default-key', tampered, context), 'NotAuthentic');
      await rejectsWith(km.importKey('coffer-default-key', staticKey.key.reveal()), 'KeyExists');
      await rejectsWith(km.importKey('short-key', randomBytes(31)), 'InvalidInput');
      await km.close();
    });

    it('with the legacy static key next to the token: reads old objects before the import, then imports it', async () => {
      const { StaticKeyManager } = await import('../static/index.js');
      const old = await new StaticKeyManager(staticKey).generateDataKey('coffer-default-key', context);
      const pkcs11 = settings(tokens.legacy, 'coffer-default-key');
      await rejectsWith(createKeyManager({ pkcs11, staticKey }), 'InvalidInput');
      const km = await createKeyManager({ pkcs11, staticKey, staticKeyLegacy: true });
      assert.ok(km);
      assert.equal(km.backend, 'pkcs11');
      assert.deepEqual(await km.listKeys(), ['coffer-default-key'], 'listed from the static key; no fresh key shadows it in the token');
      assert.deepEqual(await km.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
      const status = await km.status();
      assert.equal(status.legacyKeyId, 'coffer-default-key');
      assert.equal(status.backend, 'pkcs11');
      await rejectsWith(importStaticKey(km, 'coffer-default-key', 'kes'), 'NotSupported');
      await rejectsWith(importStaticKey(km, 'another-key', 'pkcs11'), 'NotFound');
      await importStaticKey(km, 'coffer-default-key', 'pkcs11');
      await rejectsWith(importStaticKey(km, 'coffer-default-key', 'pkcs11'), 'KeyExists');
      await km.close();

      const tokenOnly = await createKeyManager({ pkcs11 });
      assert.ok(tokenOnly instanceof Pkcs11KeyManager);
      assert.deepEqual(await tokenOnly.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
      const fresh = await tokenOnly.generateDataKey('coffer-default-key', context);
      assert.deepEqual(await new StaticKeyManager(staticKey).decrypt('coffer-default-key', fresh.ciphertext, context), fresh.plaintext, 'still the static format');
      await tokenOnly.close();
    });

    it('importing needs PKCS#11 with the legacy key', async () => {
      const { StaticKeyManager } = await import('../static/index.js');
      await rejectsWith(importStaticKey(new StaticKeyManager(staticKey), 'coffer-default-key', 'pkcs11'), 'NotSupported');
      const km = await Pkcs11KeyManager.open(settings(tokens.direct));
      await rejectsWith(importStaticKey(km, 'coffer-default-key', 'pkcs11'), 'NotSupported');
      await km.close();
    });
  });

  describe('PKCS#11 from the factory', () => {
    it('builds the PKCS#11 manager, creating the default key once', async () => {
      const first = await createKeyManager({ pkcs11: settings(tokens.factory) });
      assert.ok(first instanceof Pkcs11KeyManager);
      const dk = await first.generateDataKey('hsm-key', context);
      await first.close();
      const second = await createKeyManager({ pkcs11: settings(tokens.factory) });
      assert.deepEqual(await second?.decrypt('hsm-key', dk.ciphertext, context), dk.plaintext, 'the same key, not a new one');
      assert.deepEqual(await second?.listKeys(), ['hsm-key']);
      await second?.close();
    });

    it('refuses KES and PKCS#11 together', async () => {
      const kes = { endpoints: ['https://127.0.0.1:1'], defaultKeyId: 'k', apiKey: new Secret('kes:v1:x') };
      await rejectsWith(createKeyManager({ kes, pkcs11: settings(tokens.factory) }), 'InvalidInput');
    });

    it('a key deleted behind Coffer\'s back is NotFound, never another key under its handle', async () => {
      const km = await Pkcs11KeyManager.open(settings(tokens.factory));
      await km.createKey('doomed');
      const dk = await km.generateDataKey('doomed', context);
      const raw = await Pkcs11Token.open(settings(tokens.factory));
      raw.run((p, session) => {
        p.C_FindObjectsInit(session, [{ type: raw.ck('CKA_LABEL'), value: 'doomed' }]);
        const [handle] = p.C_FindObjects(session, 1);
        p.C_FindObjectsFinal(session);
        assert.ok(handle);
        (p as unknown as { C_DestroyObject(s: Handle, o: Handle): void }).C_DestroyObject(session, handle);
      });
      raw.close();
      await rejectsWith(km.decrypt('doomed', dk.ciphertext, context), 'NotFound');
      await rejectsWith(km.generateDataKey('doomed', context), 'NotFound');
      await km.close();
    });
  });
}
