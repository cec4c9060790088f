/**
 * With a KMS, the IAM sealing key (<data>/.coffer/iam.key) is kept sealed by it (envelope
 * encryption): the data folder alone opens no stored secret. A plain key file found at start
 * is converted in place; users' keys keep working; without the KMS, or with a tampered file,
 * Coffer refuses to start.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AdminClient } from '../../client/index.js';
import { startApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { makeTlsMaterial, startKesServer, type KesServer } from '../helpers/kes-server.js';
import { freePort } from '../helpers/process.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from '../helpers/server.js';

describe('the IAM key sealed by the KMS', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-iam-kms-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const kmsEnv = { COFFER_KMS_SECRET_KEY: `coffer-default-key:${randomBytes(32).toString('base64')}` };
  const keyFile = join(dataDir, '.coffer', 'iam.key');
  const start = (env: Record<string, string>) =>
    startApp(loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...env }), { logger: silentLogger, announce: () => undefined });
  const readFile = () => JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, unknown>;
  let userKey: { accessKeyId: string; secretAccessKey: string };

  async function userCanList(endpoint: string): Promise<void> {
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: userKey });
    try {
      await s3.send(new ListBucketsCommand({}));
    } finally {
      s3.destroy();
    }
  }

  it('converts a plain key file when a KMS is configured, and stored secrets keep working', async () => {
    const plain = await start({});
    const admin = new AdminClient({ endpoint: plain.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
    await admin.createUser({ name: 'alice' });
    await admin.attachPolicy('readonly', { user: 'alice' });
    const key = await admin.createAccessKey({ user: 'alice' });
    userKey = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    await plain.stop();
    const before = readFile();
    assert.equal(before.formatVersion, 1);

    const sealed = await start(kmsEnv);
    try {
      const after = readFile();
      assert.equal(after.formatVersion, 2);
      assert.equal(after.kmsKeyId, 'coffer-default-key');
      assert.equal(after.key, undefined);
      assert.ok(!readFileSync(keyFile, 'utf8').includes(String(before.key)), 'the plain key is gone from the file');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      await userCanList(sealed.endpoint);
    } finally {
      await sealed.stop();
    }
    // A restart with the same KMS opens it again.
    const again = await start(kmsEnv);
    try {
      await userCanList(again.endpoint);
    } finally {
      await again.stop();
    }
  });

  it('refuses to start without the KMS, with another static key, or with a tampered file', async () => {
    await assert.rejects(start({}), /sealed by the KMS key 'coffer-default-key'/);
    await assert.rejects(start({ COFFER_KMS_SECRET_KEY: `coffer-default-key:${randomBytes(32).toString('base64')}` }), (error: Error) => !/coffer-default-key:/.test(error.message));
    const original = readFileSync(keyFile, 'utf8');
    const file = JSON.parse(original) as { sealedKey: string };
    const bytes = Buffer.from(file.sealedKey, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    writeFileSync(keyFile, JSON.stringify({ ...file, sealedKey: bytes.toString('base64') }), { mode: 0o600 });
    await assert.rejects(start(kmsEnv), /does not authenticate/);
    writeFileSync(keyFile, original, { mode: 0o600 });
    const restored = await start(kmsEnv);
    await restored.stop();
  });

  it('starts with the KMS unreachable: root works, IAM users are refused until the KMS answers', async () => {
    const tls = makeTlsMaterial();
    const apiKey = `kes:v1:${randomBytes(33).toString('base64')}`;
    const fresh = mkdtempSync(join(tmpdir(), 'coffer-iam-kms-down-'));
    writeFileSync(join(fresh, 'kes-ca.pem'), tls.serverCert);
    const port = await freePort();
    const env = { COFFER_KMS_KES_ENDPOINT: `https://127.0.0.1:${port}`, COFFER_KMS_KES_KEY_NAME: 'iam-key', COFFER_KMS_KES_API_KEY: apiKey, COFFER_KMS_KES_CAPATH: join(fresh, 'kes-ca.pem') };
    let kes: KesServer | undefined;
    const app = await startApp(loadConfig({ dataDir: join(fresh, 'data'), address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...env }), { logger: silentLogger, announce: () => undefined });
    try {
      const admin = new AdminClient({ endpoint: app.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
      await admin.createUser({ name: 'bob' });
      await assert.rejects(admin.createAccessKey({ user: 'bob' }), (error: Error & { code?: string }) => error.code === 'ServiceUnavailable');
      kes = await startKesServer({ tls, apiKeys: [apiKey], port });
      let key: Awaited<ReturnType<AdminClient['createAccessKey']>> | undefined;
      for (let i = 0; i < 40 && !key; i++) {
        key = await admin.createAccessKey({ user: 'bob' }).catch(() => undefined);
        if (!key) await sleep(500);
      }
      assert.ok(key, 'the IAM key opened once the KMS answered');
      await admin.attachPolicy('readonly', { user: 'bob' });
      userKey = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
      await userCanList(app.endpoint);
      assert.equal((JSON.parse(readFileSync(join(fresh, 'data', '.coffer', 'iam.key'), 'utf8')) as { kmsKeyId: string }).kmsKeyId, 'iam-key');
    } finally {
      await app.stop();
      await kes?.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('creates a sealed key file from the start when the KMS is configured on first start', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'coffer-iam-kms-new-'));
    try {
      const app = await startApp(loadConfig({ dataDir: fresh, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...kmsEnv }), { logger: silentLogger, announce: () => undefined });
      await app.stop();
      assert.equal((JSON.parse(readFileSync(join(fresh, '.coffer', 'iam.key'), 'utf8')) as { formatVersion: number }).formatVersion, 2);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
