import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { Secret } from '../../src/core/index.js';
import { createKeyManager, importStaticKey, KesKeyManager, StaticKeyManager, type KesSettings, type KmsSettings } from '../../src/kms/index.js';
import { rejectsWith, runKeyManagerContract } from '../../src/kms/contract/index.js';
import { AdminClient } from '../../client/index.js';
import { deadEndpoint, makeTlsMaterial, startKesServer, type KesServer } from '../helpers/kes-server.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer } from '../helpers/server.js';

const tls = makeTlsMaterial();
const API_KEY = `kes:v1:${randomBytes(33).toString('base64')}`;

async function kesWithApiKey(): Promise<{ server: KesServer; settings: KesSettings }> {
  const server = await startKesServer({ tls, apiKeys: [API_KEY] });
  return { server, settings: { endpoints: [server.url], defaultKeyId: 'coffer-default-key', apiKey: new Secret(API_KEY), ca: [tls.serverCert] } };
}

runKeyManagerContract('KES (API key)', async () => {
  const { server, settings } = await kesWithApiKey();
  const manager = await createKeyManager({ kes: settings });
  assert.ok(manager);
  return { manager, managesKeys: true, close: () => server.close() };
});

runKeyManagerContract('KES (mTLS, second endpoint after a dead one)', async () => {
  const server = await startKesServer({ tls, identities: [tls.clientIdentity] });
  const manager = await createKeyManager({ kes: {
    endpoints: [await deadEndpoint(tls), server.url],
    defaultKeyId: 'coffer-default-key',
    clientCert: { cert: tls.clientCert, key: new Secret(tls.clientKey) },
    ca: [tls.serverCert],
  } });
  assert.ok(manager);
  return { manager, managesKeys: true, close: () => server.close() };
});

describe('KES client', () => {
  let server: KesServer;
  let settings: KesSettings;
  before(async () => ({ server, settings } = await kesWithApiKey()));
  after(() => server.close());

  it('creates the default key at start and tolerates it existing already', async () => {
    const first = await createKeyManager({ kes: settings });
    assert.ok(server.keys.has('coffer-default-key'));
    const key = server.keys.get('coffer-default-key')?.key;
    const second = await createKeyManager({ kes: settings });
    assert.deepEqual(server.keys.get('coffer-default-key')?.key, key);
    await first?.close();
    await second?.close();
  });

  it('fails over to the next endpoint when the first is down', async () => {
    const km = new KesKeyManager({ ...settings, endpoints: [await deadEndpoint(tls), server.url] });
    const dk = await km.generateDataKey('coffer-default-key', { b: 'b/o' });
    assert.deepEqual(await km.decrypt('coffer-default-key', dk.ciphertext, { b: 'b/o' }), dk.plaintext);
    const status = await km.status();
    assert.equal(status.online, true);
    assert.deepEqual(status.endpoints?.map((e) => e.online), [false, true]);
    await km.close();
  });

  it('answers Unavailable when no endpoint answers, and start-up does not fail on it', async () => {
    const km = await createKeyManager({ kes: { ...settings, endpoints: [await deadEndpoint(tls), await deadEndpoint(tls)] } });
    assert.ok(km);
    await rejectsWith(km.generateDataKey('coffer-default-key', {}), 'Unavailable');
    assert.equal((await km.status()).online, false);
    await km.close();
  });

  it('times out a KES node that accepts but never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const km = new KesKeyManager({ ...settings, endpoints: [`https://127.0.0.1:${port}`], timeoutMs: 200 });
    await rejectsWith(km.listKeys(), 'Unavailable');
    await km.close();
    silent.close();
  });

  it('is Denied without valid credentials and refuses an untrusted server certificate', async () => {
    const wrong = new KesKeyManager({ ...settings, apiKey: new Secret('kes:v1:wrong') });
    await rejectsWith(wrong.listKeys(), 'Denied');
    await wrong.close();
    const untrusted = new KesKeyManager({ ...settings, ca: [makeTlsMaterial().serverCert] });
    await rejectsWith(untrusted.listKeys(), 'Unavailable');
    await untrusted.close();
  });

  it('is Denied with a client certificate KES does not know', async () => {
    const other = makeTlsMaterial();
    const km = new KesKeyManager({ endpoints: [server.url], defaultKeyId: 'coffer-default-key', clientCert: { cert: other.clientCert, key: new Secret(other.clientKey) }, ca: [tls.serverCert] });
    await rejectsWith(km.listKeys(), 'Denied');
    await km.close();
  });

  it('refuses plain-HTTP endpoints', () => {
    assert.throws(() => new KesKeyManager({ ...settings, endpoints: ['http://127.0.0.1:7373'] }), /https/);
  });
});

describe('moving from the static KMS to KES', () => {
  const staticKey = { keyId: 'coffer-default-key', key: new Secret(randomBytes(32)) };
  const context = { bucket: 'bucket/old-object' };
  let server: KesServer;
  let settings: KesSettings;
  before(async () => ({ server, settings } = await kesWithApiKey()));
  after(() => server.close());

  it('a static key imported into KES decrypts the data keys the static KMS sealed', async () => {
    const old = await new StaticKeyManager(staticKey).generateDataKey('coffer-default-key', context);
    const km = new KesKeyManager({ ...settings, defaultKeyId: 'other-key' });
    await km.importKey('coffer-default-key', staticKey.key.reveal());
    assert.deepEqual(await km.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
    await rejectsWith(km.decrypt('coffer-default-key', old.ciphertext, { bucket: 'bucket/other' }), 'NotAuthentic');
    server.keys.delete('coffer-default-key');
    await km.close();
  });

  it('with the legacy static key next to KES: reads old objects before the import, then imports it', async () => {
    const old = await new StaticKeyManager(staticKey).generateDataKey('coffer-default-key', context);
    await assert.rejects(createKeyManager({ kes: settings, staticKey }), /choose one/);
    const km = await createKeyManager({ kes: settings, staticKey, staticKeyLegacy: true });
    assert.ok(km);
    assert.equal(server.keys.has('coffer-default-key'), false, 'no fresh key shadows the static one');
    assert.deepEqual(await km.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
    assert.equal((await km.status()).legacyKeyId, 'coffer-default-key');
    await importStaticKey(km, 'coffer-default-key');
    assert.deepEqual(server.keys.get('coffer-default-key')?.key, staticKey.key.reveal());
    await rejectsWith(importStaticKey(km, 'coffer-default-key'), 'KeyExists');
    await km.close();
    const kesOnly = await createKeyManager({ kes: settings });
    assert.deepEqual(await kesOnly?.decrypt('coffer-default-key', old.ciphertext, context), old.plaintext);
    await kesOnly?.close();
  });

  it('importing needs KES with the legacy key', async () => {
    await rejectsWith(importStaticKey(new StaticKeyManager(staticKey), 'coffer-default-key'), 'NotSupported');
  });
});

describe('from the environment to a KeyManager', () => {
  it('builds the KES client (mTLS files, CA path) from COFFER_KMS_KES_* settings', async () => {
    const server = await startKesServer({ tls, identities: [tls.clientIdentity] });
    const dir = mkdtempSync(join(tmpdir(), 'coffer-kes-env-'));
    writeFileSync(join(dir, 'ca.pem'), tls.serverCert);
    writeFileSync(join(dir, 'client.crt'), tls.clientCert);
    writeFileSync(join(dir, 'client.key'), tls.clientKey, { mode: 0o600 });
    const config = loadConfig({}, { MINIO_KMS_KES_ENDPOINT: server.url, MINIO_KMS_KES_KEY_NAME: 'minio-key', MINIO_KMS_KES_CERT_FILE: join(dir, 'client.crt'),
      MINIO_KMS_KES_KEY_FILE: join(dir, 'client.key'), MINIO_KMS_KES_CAPATH: join(dir, 'ca.pem') });
    const settings: KmsSettings | undefined = config.kms;
    const km = await createKeyManager(settings);
    assert.equal(km?.backend, 'kes');
    assert.deepEqual(await km?.listKeys(), ['minio-key']);
    await km?.close();
    await server.close();
  });

  it("trusts the certificates directory's CAs/ for KES when no CA path is set", async () => {
    const server = await startKesServer({ tls, apiKeys: [API_KEY] });
    const certs = mkdtempSync(join(tmpdir(), 'coffer-kes-cas-'));
    mkdirSync(join(certs, 'CAs'));
    const env = { COFFER_KMS_KES_ENDPOINT: server.url, COFFER_KMS_KES_KEY_NAME: 'coffer-default-key', COFFER_KMS_KES_API_KEY: API_KEY, COFFER_CERTS_DIR: certs };
    const without = await startTestServer(env);
    const admin = (endpoint: string) => new AdminClient({ endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
    try {
      assert.equal((await admin(without.endpoint).kmsStatus()).online, false, 'the test CA is not a system root');
    } finally {
      await without.stop();
    }
    writeFileSync(join(certs, 'CAs', 'kes-ca.pem'), tls.serverCert);
    const withCa = await startTestServer(env);
    try {
      assert.equal((await admin(withCa.endpoint).kmsStatus()).online, true);
    } finally {
      await withCa.stop();
      await server.close();
      rmSync(certs, { recursive: true, force: true });
    }
  });

  it('builds the static KMS from COFFER_KMS_SECRET_KEY, and nothing when no KMS is set', async () => {
    const km = await createKeyManager(loadConfig({}, { COFFER_KMS_SECRET_KEY: `k1:${randomBytes(32).toString('base64')}` }).kms);
    assert.equal(km?.backend, 'static');
    assert.equal(await createKeyManager(loadConfig({}, {}).kms), undefined);
  });
});
