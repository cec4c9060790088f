import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Secret } from '../../core/index.js';
import { initToken, pkcs11Tool, softHsmSkip, tokenSettings, USER_PIN } from '../../../test/helpers/softhsm.js';
import { rejectsWith, runKeyManagerContract } from '../contract/index.js';
import { KmsError } from '../key-manager.js';
import { canonicalContext, openWithMasterKey } from '../sealed-data-key.js';
import type { Attribute, Handle, Pkcs11 } from './pkcs11-api.js';
import { Pkcs11KeyManager, type Pkcs11Settings } from './index.js';
import { Pkcs11Token } from './pkcs11-session.js';

const skip = softHsmSkip();
const context = { bucket: 'bucket/object' };

function settings(label: string, overrides: Partial<Pkcs11Settings> = {}): Pkcs11Settings {
  const s = tokenSettings(label);
  return { ...s, pin: new Secret(s.pin), ...overrides };
}

/** The raw PKCS#11 view of a token, to check what any client of the token could do. */
async function rawToken(label: string): Promise<Pkcs11Token> {
  return Pkcs11Token.open(settings(label));
}

function objectsLabelled(token: Pkcs11Token, p: Pkcs11, session: Handle, label: string): Handle[] {
  p.C_FindObjectsInit(session, [{ type: token.ck('CKA_LABEL'), value: label }]);
  try {
    return p.C_FindObjects(session, 10);
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function ckr(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return error instanceof Error ? error.message.split(':')[0] ?? '' : '';
  }
  return 'no error';
}

if (skip) {
  describe('PKCS#11 KMS (SoftHSM2)', { skip }, () => {});
} else {
  const tokens = { contract: initToken('contract'), main: initToken('main') };

  runKeyManagerContract('PKCS#11 (SoftHSM2)', async () => ({ manager: await Pkcs11KeyManager.open(settings(tokens.contract)), managesKeys: true }));

  describe('PKCS#11 KMS (SoftHSM2)', () => {
    let km: Pkcs11KeyManager;
    before(async () => (km = await Pkcs11KeyManager.open(settings(tokens.main))));
    after(() => km.close());

    it('creates the default key at start as a non-extractable, sensitive AES-256 token key', async () => {
      assert.ok((await km.listKeys()).includes('coffer-default-key'));
      const token = await rawToken(tokens.main);
      token.run((p, session) => {
        const [key] = objectsLabelled(token, p, session, 'coffer-default-key');
        assert.ok(key);
        const names = ['CKA_TOKEN', 'CKA_SENSITIVE', 'CKA_EXTRACTABLE', 'CKA_NEVER_EXTRACTABLE', 'CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN', 'CKA_WRAP'];
        const values = p.C_GetAttributeValue(session, key, names.map((n) => ({ type: token.ck(n) }))).map((a) => a.value[0] === 1);
        assert.deepEqual(Object.fromEntries(names.map((n, i) => [n, values[i]])), {
          CKA_TOKEN: true, CKA_SENSITIVE: true, CKA_EXTRACTABLE: false, CKA_NEVER_EXTRACTABLE: true, CKA_ENCRYPT: true, CKA_DECRYPT: true, CKA_SIGN: false, CKA_WRAP: false,
        });
        assert.equal(p.C_GetAttributeValue(session, key, [{ type: token.ck('CKA_KEY_TYPE') }])[0]?.value.readUInt32LE(0), token.ck('CKK_AES'));
      });
      token.close();
    });

    it('never lets key material out: CKA_VALUE is refused, extractable cannot be turned on', async () => {
      await km.importKey('imported-secret', randomBytes(32));
      const token = await rawToken(tokens.main);
      token.run((p, session) => {
        for (const label of ['coffer-default-key', 'imported-secret']) {
          const [key] = objectsLabelled(token, p, session, label);
          assert.ok(key);
          assert.equal(ckr(() => p.C_GetAttributeValue(session, key, [{ type: token.ck('CKA_VALUE') }])), 'CKR_ATTRIBUTE_SENSITIVE');
          const setAttributes = (p as unknown as { C_SetAttributeValue(s: Handle, o: Handle, t: Attribute[]): void }).C_SetAttributeValue.bind(p);
          assert.notEqual(ckr(() => setAttributes(session, key, [{ type: token.ck('CKA_EXTRACTABLE'), value: true }])), 'no error');
          assert.notEqual(ckr(() => setAttributes(session, key, [{ type: token.ck('CKA_SENSITIVE'), value: false }])), 'no error');
        }
      });
      token.close();
      const read = pkcs11Tool(['--token-label', tokens.main, '--login', '--pin', USER_PIN, '--read-object', '--type', 'secrkey', '--label', 'coffer-default-key']);
      assert.equal(read.ok, false, 'pkcs11-tool (another process) must not read the key');
      assert.match(read.output, /CKR_ATTRIBUTE_SENSITIVE/);
    });

    it('seals data keys as "CP11" ‖ 0x01 ‖ iv ‖ GCM output, and refuses another version byte', async () => {
      const dk = await km.generateDataKey(km.defaultKeyId, context);
      assert.equal(dk.ciphertext.length, 4 + 1 + 12 + 32 + 16);
      assert.equal(dk.ciphertext.subarray(0, 5).toString('latin1'), 'CP11\x01');
      const v2 = Buffer.from(dk.ciphertext);
      v2[4] = 0x02;
      await rejectsWith(km.decrypt(km.defaultKeyId, v2, context), 'NotAuthentic');
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext.subarray(0, 5 + 12 + 16), context), 'NotAuthentic');
      await rejectsWith(km.decrypt(km.defaultKeyId, Buffer.concat([dk.ciphertext, Buffer.alloc(2000)]), context), 'NotAuthentic');
    });

    it('a data key sealed under one key does not open under another', async () => {
      await km.createKey('second-key');
      const dk = await km.generateDataKey('second-key', context);
      await rejectsWith(km.decrypt(km.defaultKeyId, dk.ciphertext, context), 'NotAuthentic');
      assert.deepEqual(await km.decrypt('second-key', dk.ciphertext, context), dk.plaintext);
    });

    it('an imported static key opens the static format, and seals new data keys in it', async () => {
      const key = randomBytes(32);
      await km.importKey('from-static', key);
      const dk = await km.generateDataKey('from-static', context);
      assert.deepEqual(openWithMasterKey(key, dk.ciphertext, canonicalContext(context)), dk.plaintext);
      assert.deepEqual(await km.decrypt('from-static', dk.ciphertext, context), dk.plaintext);
      await rejectsWith(km.decrypt('from-static', dk.ciphertext, { bucket: 'bucket/other' }), 'NotAuthentic');
      const aes = await km.generateDataKey(km.defaultKeyId, context);
      await rejectsWith(km.decrypt('from-static', aes.ciphertext, context), 'NotAuthentic');
    });

    it('refuses keys made outside Coffer that could leave the token, and ambiguous labels', async () => {
      const token = await rawToken(tokens.main);
      token.run((p, session) => {
        const template = (label: string, extractable: boolean): Attribute[] => [
          { type: token.ck('CKA_CLASS'), value: token.ck('CKO_SECRET_KEY') }, { type: token.ck('CKA_KEY_TYPE'), value: token.ck('CKK_AES') },
          { type: token.ck('CKA_VALUE_LEN'), value: 32 }, { type: token.ck('CKA_TOKEN'), value: true }, { type: token.ck('CKA_PRIVATE'), value: true },
          { type: token.ck('CKA_SENSITIVE'), value: true }, { type: token.ck('CKA_EXTRACTABLE'), value: extractable },
          { type: token.ck('CKA_ENCRYPT'), value: true }, { type: token.ck('CKA_DECRYPT'), value: true }, { type: token.ck('CKA_LABEL'), value: label },
        ];
        p.C_GenerateKey(session, { mechanism: token.ck('CKM_AES_KEY_GEN') }, template('foreign-extractable', true));
        p.C_GenerateKey(session, { mechanism: token.ck('CKM_AES_KEY_GEN') }, template('twice', false));
        p.C_GenerateKey(session, { mechanism: token.ck('CKM_AES_KEY_GEN') }, template('twice', false));
      });
      token.close();
      await rejectsWith(km.generateDataKey('foreign-extractable', context), 'NotSupported');
      await rejectsWith(km.generateDataKey('twice', context), 'InvalidInput');
      await rejectsWith(km.createKey('twice'), 'KeyExists');
    });

    it('reports its token as online and logged in', async () => {
      const status = await km.status();
      assert.equal(status.backend, 'pkcs11');
      assert.equal(status.online, true);
      assert.equal(status.defaultKeyId, 'coffer-default-key');
      assert.deepEqual(status.endpoints?.map((e) => [e.endpoint, e.online]), [[`PKCS#11 token '${tokens.main}'`, true]]);
    });

    it('a second manager on the same token: closing it leaves the first logged in', async () => {
      const other = await Pkcs11KeyManager.open(settings(tokens.main));
      const dk = await other.generateDataKey(km.defaultKeyId, context);
      await other.close();
      assert.deepEqual(await km.decrypt(km.defaultKeyId, dk.ciphertext, context), dk.plaintext);
      assert.equal((await km.status()).online, true);
      await rejectsWith(other.generateDataKey(km.defaultKeyId, context), 'Unavailable');
    });

    it('refuses a wrong PIN with a clear error that does not repeat it, even while logged in', async () => {
      const wrong = '987654';
      await assert.rejects(Pkcs11KeyManager.open(settings(tokens.main, { pin: new Secret(wrong) })), (error: unknown) => {
        assert.ok(error instanceof KmsError && error.code === 'Denied', String(error));
        assert.match(error.message, /PIN/);
        assert.ok(!error.message.includes(wrong));
        return true;
      });
    });
  });

  describe('PKCS#11 KMS set-up errors', () => {
    const wrongPinToken = initToken('wrong-pin');

    it('a wrong PIN on a token nobody is logged in to is Denied, naming the setting', async () => {
      await assert.rejects(Pkcs11KeyManager.open(settings(wrongPinToken, { pin: new Secret('000000') })), (error: unknown) =>
        error instanceof KmsError && error.code === 'Denied' && /COFFER_KMS_PKCS11_PIN/.test(error.message) && !error.message.includes('000000'));
    });

    it('names a missing token label, an unknown slot and an unloadable library', async () => {
      await rejectsWith(Pkcs11KeyManager.open(settings('no-such-token')), 'InvalidInput');
      await rejectsWith(Pkcs11KeyManager.open({ ...settings(wrongPinToken), tokenLabel: undefined, slot: '4242' }), 'InvalidInput');
      await rejectsWith(Pkcs11KeyManager.open(settings(wrongPinToken, { modulePath: '/nonexistent/libpkcs11.so' })), 'InvalidInput');
    });

    it('says that pkcs11js is missing when it cannot be imported', async () => {
      const importer = async (): Promise<never> => {
        throw Object.assign(new Error("Cannot find package 'pkcs11js'"), { code: 'ERR_MODULE_NOT_FOUND' });
      };
      await assert.rejects(Pkcs11KeyManager.open(settings('any'), { importer }), (error: unknown) =>
        error instanceof KmsError && error.code === 'NotSupported' && /pkcs11js, which is not installed/.test(error.message));
    });
  });
}
