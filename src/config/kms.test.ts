import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './index.js';

const key = randomBytes(32);
const STATIC = `coffer-default-key:${key.toString('base64')}`;
const KES = { COFFER_KMS_KES_ENDPOINT: 'https://kes1:7373, https://kes2:7373', COFFER_KMS_KES_KEY_NAME: 'my-key', COFFER_KMS_KES_API_KEY: 'kes:v1:abc' };

describe('KMS configuration', () => {
  it('has no KMS by default', () => {
    const config = loadConfig({}, {});
    assert.equal(config.kms, undefined);
    assert.equal(config.kmsAutoEncryption, false);
  });

  it('reads the static key from COFFER_KMS_SECRET_KEY or MINIO_KMS_SECRET_KEY', () => {
    for (const name of ['COFFER_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY']) {
      const kms = loadConfig({}, { [name]: STATIC }).kms;
      assert.equal(kms?.staticKey?.keyId, 'coffer-default-key');
      assert.deepEqual(kms?.staticKey?.key.reveal(), key);
      assert.equal(kms?.kes, undefined);
    }
  });

  it('refuses a malformed static key without repeating it', () => {
    for (const bad of ['no-colon', `:${key.toString('base64')}`, `k:${randomBytes(16).toString('base64')}`, 'k:not base64!', `a/b:${key.toString('base64')}`]) {
      assert.throws(() => loadConfig({}, { COFFER_KMS_SECRET_KEY: bad }), (e: unknown) => e instanceof ConfigError && !e.message.includes(bad.slice(2)));
    }
  });

  it('reads the static key from a _FILE and refuses one every user can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-kms-config-'));
    const file = join(dir, 'kms-key');
    writeFileSync(file, `${STATIC}\n`, { mode: 0o600 });
    assert.equal(loadConfig({}, { MINIO_KMS_SECRET_KEY_FILE: file }).kms?.staticKey?.keyId, 'coffer-default-key');
    chmodSync(file, 0o644);
    assert.throws(() => loadConfig({}, { COFFER_KMS_SECRET_KEY_FILE: file }), /readable by every user/);
    assert.ok(loadConfig({}, { COFFER_KMS_SECRET_KEY_FILE: file, COFFER_ALLOW_WORLD_READABLE_SECRETS: 'true' }).kms);
  });

  it('never prints key material or KES credentials when the config is logged', () => {
    const text = JSON.stringify(loadConfig({}, { COFFER_KMS_SECRET_KEY: STATIC, ...KES, COFFER_KMS_SECRET_KEY_LEGACY: 'true' }));
    assert.ok(!text.includes(key.toString('base64')));
    assert.ok(!text.includes('kes:v1:abc'));
  });

  it('reads KES endpoints, key name and API key (MINIO_KMS_KES_* too)', () => {
    const kes = loadConfig({}, KES).kms?.kes;
    assert.deepEqual(kes?.endpoints, ['https://kes1:7373', 'https://kes2:7373']);
    assert.equal(kes?.defaultKeyId, 'my-key');
    assert.equal(kes?.apiKey?.reveal(), 'kes:v1:abc');
    const minio = loadConfig({}, { MINIO_KMS_KES_ENDPOINT: 'https://kes:7373', MINIO_KMS_KES_KEY_NAME: 'k', MINIO_KMS_KES_API_KEY: 'kes:v1:x' }).kms?.kes;
    assert.equal(minio?.defaultKeyId, 'k');
  });

  it('reads mTLS files and a CA folder, checking the private key file like a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-kes-config-'));
    writeFileSync(join(dir, 'client.crt'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY', { mode: 0o600 });
    mkdirSync(join(dir, 'cas'));
    writeFileSync(join(dir, 'cas', 'a.pem'), 'CA-A');
    writeFileSync(join(dir, 'cas', 'b.crt'), 'CA-B');
    const env = { COFFER_KMS_KES_ENDPOINT: 'https://kes:7373', COFFER_KMS_KES_KEY_NAME: 'k', COFFER_KMS_KES_CERT_FILE: join(dir, 'client.crt'),
      COFFER_KMS_KES_KEY_FILE: join(dir, 'client.key'), COFFER_KMS_KES_CAPATH: join(dir, 'cas') };
    const kes = loadConfig({}, env).kms?.kes;
    assert.equal(kes?.clientCert?.cert, 'CERT');
    assert.equal(kes?.clientCert?.key.reveal(), 'KEY');
    assert.deepEqual(kes?.ca, ['CA-A', 'CA-B']);
    chmodSync(join(dir, 'client.key'), 0o644);
    assert.throws(() => loadConfig({}, env), /COFFER_KMS_KES_KEY_FILE: the file is readable by every user/);
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['an http:// endpoint', { ...KES, COFFER_KMS_KES_ENDPOINT: 'http://kes:7373' }, /not an https/],
    ['KES without a key name', { ...KES, COFFER_KMS_KES_KEY_NAME: '' }, /COFFER_KMS_KES_KEY_NAME/],
    ['KES without credentials', { COFFER_KMS_KES_ENDPOINT: 'https://kes:7373', COFFER_KMS_KES_KEY_NAME: 'k' }, /needs credentials/],
    ['a certificate without its key', { ...KES, COFFER_KMS_KES_CERT_FILE: '/x' }, /set together/],
    ['KES settings without an endpoint', { COFFER_KMS_KES_KEY_NAME: 'k' }, /COFFER_KMS_KES_ENDPOINT is not/],
    ['the static key and KES together', { COFFER_KMS_SECRET_KEY: STATIC, ...KES }, /choose one KMS/],
    ['the legacy flag without KES', { COFFER_KMS_SECRET_KEY: STATIC, COFFER_KMS_SECRET_KEY_LEGACY: 'true' }, /needs both/],
    ['auto-encryption without a KMS', { COFFER_KMS_AUTO_ENCRYPTION: 'on' }, /needs a KMS/],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}`, () => assert.throws(() => loadConfig({}, env), message));
  }

  it('keeps the static key as the legacy key next to KES when asked', () => {
    const kms = loadConfig({}, { COFFER_KMS_SECRET_KEY: STATIC, ...KES, COFFER_KMS_SECRET_KEY_LEGACY: 'true', MINIO_KMS_AUTO_ENCRYPTION: 'on' });
    assert.equal(kms.kms?.staticKeyLegacy, true);
    assert.equal(kms.kms?.staticKey?.keyId, 'coffer-default-key');
    assert.equal(kms.kms?.kes?.defaultKeyId, 'my-key');
    assert.equal(kms.kmsAutoEncryption, true);
  });
});
