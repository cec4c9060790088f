import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'coffer-pkcs11-config-'));
const library = join(dir, 'libvendor-pkcs11.so');
writeFileSync(library, 'not really a library; config only checks the path', { mode: 0o644 });
const PKCS11 = { COFFER_KMS_PKCS11_MODULE: library, COFFER_KMS_PKCS11_TOKEN_LABEL: 'coffer', COFFER_KMS_PKCS11_PIN: '1234', COFFER_KMS_PKCS11_KEY_NAME: 'hsm-key' };
const STATIC = `coffer-default-key:${randomBytes(32).toString('base64')}`;
const KES = { COFFER_KMS_KES_ENDPOINT: 'https://kes:7373', COFFER_KMS_KES_KEY_NAME: 'k', COFFER_KMS_KES_API_KEY: 'kes:v1:abc' };

describe('PKCS#11 KMS configuration', () => {
  it('reads library, token label, PIN and default key', () => {
    const pkcs11 = loadConfig({}, PKCS11).kms?.pkcs11;
    assert.equal(pkcs11?.modulePath, library);
    assert.equal(pkcs11?.tokenLabel, 'coffer');
    assert.equal(pkcs11?.slot, undefined);
    assert.equal(pkcs11?.pin.reveal(), '1234');
    assert.equal(pkcs11?.defaultKeyId, 'hsm-key');
  });

  it('takes a slot id instead of a label, and the PIN from a _FILE', () => {
    const pinFile = join(dir, 'pin');
    writeFileSync(pinFile, '5678\n', { mode: 0o600 });
    const { COFFER_KMS_PKCS11_TOKEN_LABEL: _label, COFFER_KMS_PKCS11_PIN: _pin, ...rest } = PKCS11;
    const pkcs11 = loadConfig({}, { ...rest, COFFER_KMS_PKCS11_SLOT: '928932858', COFFER_KMS_PKCS11_PIN_FILE: pinFile }).kms?.pkcs11;
    assert.equal(pkcs11?.slot, '928932858');
    assert.equal(pkcs11?.pin.reveal(), '5678');
  });

  it('never prints the PIN when the config is logged', () => {
    const text = JSON.stringify(loadConfig({}, { ...PKCS11, COFFER_KMS_PKCS11_PIN: 'pin-9f8e7d' }));
    assert.ok(!text.includes('pin-9f8e7d'));
  });

  it('keeps the static key as the legacy key next to PKCS#11 when asked', () => {
    const kms = loadConfig({}, { ...PKCS11, COFFER_KMS_SECRET_KEY: STATIC, COFFER_KMS_SECRET_KEY_LEGACY: 'true', COFFER_KMS_AUTO_ENCRYPTION: 'on' });
    assert.equal(kms.kms?.staticKeyLegacy, true);
    assert.equal(kms.kms?.staticKey?.keyId, 'coffer-default-key');
    assert.equal(kms.kms?.pkcs11?.defaultKeyId, 'hsm-key');
    assert.equal(kms.kmsAutoEncryption, true);
  });

  const worldWritable = join(dir, 'libworld.so');
  writeFileSync(worldWritable, 'x');
  chmodSync(worldWritable, 0o666);
  const { COFFER_KMS_PKCS11_TOKEN_LABEL: _label, ...noLabel } = PKCS11;
  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['PKCS#11 settings without a library', { COFFER_KMS_PKCS11_PIN: '1234' }, /COFFER_KMS_PKCS11_MODULE is not/],
    ['a relative library path', { ...PKCS11, COFFER_KMS_PKCS11_MODULE: 'libsofthsm2.so' }, /absolute path/],
    ['a library that does not exist', { ...PKCS11, COFFER_KMS_PKCS11_MODULE: join(dir, 'missing.so') }, /absolute path of an existing/],
    ['a library every user can write', { ...PKCS11, COFFER_KMS_PKCS11_MODULE: worldWritable }, /writable by every user/],
    ['neither token label nor slot', noLabel, /exactly one of/],
    ['both token label and slot', { ...PKCS11, COFFER_KMS_PKCS11_SLOT: '1' }, /exactly one of/],
    ['a slot that is not a number', { ...noLabel, COFFER_KMS_PKCS11_SLOT: '0x1' }, /COFFER_KMS_PKCS11_SLOT/],
    ['a token label longer than 32 characters', { ...PKCS11, COFFER_KMS_PKCS11_TOKEN_LABEL: 'x'.repeat(33) }, /1–32 characters/],
    ['no PIN', { ...PKCS11, COFFER_KMS_PKCS11_PIN: '' }, /user PIN/],
    ['no default key name', { ...PKCS11, COFFER_KMS_PKCS11_KEY_NAME: '' }, /COFFER_KMS_PKCS11_KEY_NAME/],
    ['a malformed default key name', { ...PKCS11, COFFER_KMS_PKCS11_KEY_NAME: 'a/b' }, /COFFER_KMS_PKCS11_KEY_NAME/],
    ['PKCS#11 and KES together', { ...PKCS11, ...KES }, /choose one external KMS/],
    ['the static key and PKCS#11 together', { ...PKCS11, COFFER_KMS_SECRET_KEY: STATIC }, /COFFER_KMS_PKCS11_MODULE are both set: choose one KMS/],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}`, () => assert.throws(() => loadConfig({}, env), (e: unknown) => e instanceof ConfigError && message.test(e.message)));
  }
});
