/**
 * Encryption at rest with the PKCS#11 KMS, through the AWS SDK against a real Coffer whose
 * master keys live in a real SoftHSM2 token: SSE-S3 and SSE-KMS (default key, a created key,
 * multipart), `coffer admin kms status|key create`, and the move from the static key
 * (objects written before `coffer admin kms key import local NAME --to pkcs11` keep reading
 * once the static key is gone from the config).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AdminClient } from '../../client/index.js';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { cliHarness } from '../helpers/cli.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { initToken, softHsmSkip, tokenEnv, USER_PIN } from '../helpers/softhsm.js';

const skip = softHsmSkip();

async function read(s3: S3Client, Bucket: string, Key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

if (skip) {
  describe('SSE with a PKCS#11 KMS (SoftHSM2)', { skip }, () => {});
} else {
  const tokens = { sse: initToken('sse'), moved: initToken('moved') };

  describe('SSE with a PKCS#11 KMS (SoftHSM2)', () => {
    let server: TestServer;
    let admin: AdminClient;
    before(async () => {
      server = await startTestServer(tokenEnv(tokens.sse, 'coffer-hsm-key'));
      admin = new AdminClient({ endpoint: server.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
      await server.client.send(new CreateBucketCommand({ Bucket: 'hsm' }));
    });
    after(() => server.stop());

    it('SSE-S3: writes are sealed under the token\'s default key and read back', async () => {
      const body = randomBytes(300 * 1024);
      const put = await server.client.send(new PutObjectCommand({ Bucket: 'hsm', Key: 'sse-s3', Body: body, ServerSideEncryption: 'AES256' }));
      assert.equal(put.ServerSideEncryption, 'AES256');
      assert.ok((await read(server.client, 'hsm', 'sse-s3')).equals(body));
      assert.equal((await server.client.send(new HeadObjectCommand({ Bucket: 'hsm', Key: 'sse-s3' }))).ServerSideEncryption, 'AES256');
    });

    it('SSE-KMS: the default key, a key created through the admin API, and a multipart upload', async () => {
      await server.client.send(new PutObjectCommand({ Bucket: 'hsm', Key: 'kms-default', Body: 'default key', ServerSideEncryption: 'aws:kms' }));
      assert.equal((await read(server.client, 'hsm', 'kms-default')).toString(), 'default key');

      assert.deepEqual(await admin.createKmsKey('tenant-a'), { key: 'tenant-a', created: true });
      const put = await server.client.send(new PutObjectCommand({ Bucket: 'hsm', Key: 'kms-tenant', Body: 'tenant key', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'tenant-a' }));
      assert.equal(put.ServerSideEncryption, 'aws:kms');
      assert.match(put.SSEKMSKeyId ?? '', /tenant-a$/);
      assert.equal((await read(server.client, 'hsm', 'kms-tenant')).toString(), 'tenant key');

      const upload = await server.client.send(new CreateMultipartUploadCommand({ Bucket: 'hsm', Key: 'kms-multipart', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'tenant-a' }));
      const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024)];
      const etags = [];
      for (const [i, part] of parts.entries()) {
        etags.push((await server.client.send(new UploadPartCommand({ Bucket: 'hsm', Key: 'kms-multipart', UploadId: upload.UploadId, PartNumber: i + 1, Body: part }))).ETag);
      }
      await server.client.send(new CompleteMultipartUploadCommand({
        Bucket: 'hsm', Key: 'kms-multipart', UploadId: upload.UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }));
      assert.ok((await read(server.client, 'hsm', 'kms-multipart')).equals(Buffer.concat(parts)));
    });

    it('SSE-KMS with a key the token does not hold is KMS.NotFoundException, and nothing is written', async () => {
      await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'hsm', Key: 'missing', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'no-such-key' })), 'KMS.NotFoundException', 400);
      await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: 'hsm', Key: 'missing' })), 'NotFound', 404);
    });

    it('admin kms status shows the pkcs11 backend and its token, never the PIN; keys are listed by label', async () => {
      const status = await admin.kmsStatus();
      assert.equal(status.backend, 'pkcs11');
      assert.equal(status.online, true);
      assert.equal(status.defaultKeyId, 'coffer-hsm-key');
      assert.deepEqual(status.endpoints?.map((e) => [e.endpoint, e.online]), [[`PKCS#11 token '${tokens.sse}'`, true]]);
      assert.ok(!JSON.stringify(status).includes(USER_PIN));
      assert.deepEqual((await admin.listKmsKeys()).keys, ['coffer-hsm-key', 'tenant-a']);
    });
  });

  describe('from the static key to PKCS#11', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coffer-sse-pkcs11-'));
    const STATIC_KEY = `coffer-test-key:${randomBytes(32).toString('base64')}`;
    const pkcs11Env = tokenEnv(tokens.moved, 'coffer-test-key');
    const h = cliHarness('coffer-pkcs11-cli-');
    let app: App | undefined;
    const client = (endpoint: string): S3Client => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY }, maxAttempts: 1 });
    const start = (env: Record<string, string>): Promise<App> =>
      startApp(loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...env }), { logger: silentLogger, announce: () => undefined });
    after(async () => {
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      h.cleanup();
    });

    it('objects written with the static key read back after `coffer admin kms key import … --to pkcs11`', async () => {
      app = await start({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
      let s3 = client(app.endpoint);
      await s3.send(new CreateBucketCommand({ Bucket: 'moved' }));
      const big = randomBytes(300 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 's3', Body: big, ServerSideEncryption: 'AES256' }));
      await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'kms', Body: 'small', ServerSideEncryption: 'aws:kms' }));
      s3.destroy();
      await app.stop();

      // The static key kept as the legacy key next to the token: old objects read before the import.
      app = await start({ ...pkcs11Env, COFFER_KMS_SECRET_KEY: STATIC_KEY, COFFER_KMS_SECRET_KEY_LEGACY: 'true' });
      s3 = client(app.endpoint);
      assert.equal((await read(s3, 'moved', 'kms')).toString(), 'small');
      assert.equal((await h.cli('alias', 'set', 'local', app.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY)).code, 0);
      const status = await h.json('admin', 'kms', 'status', 'local');
      assert.equal(status.backend, 'pkcs11');
      assert.equal(status.legacyKeyId, 'coffer-test-key');
      const wrongTarget = await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-test-key', '--to', 'kes');
      assert.equal(wrongTarget.code, 1);
      assert.match(wrongTarget.stderr, /NotImplemented/);
      const run = await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-test-key', '--to', 'pkcs11');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Imported KMS key coffer-test-key into the PKCS#11 token\.\n/);
      const again = await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-test-key', '--to', 'pkcs11', '--json');
      assert.equal((JSON.parse(again.stderr) as { error: { code: string } }).error.code, 'EntityAlreadyExists');
      s3.destroy();
      await app.stop();

      // The static key is gone from the config: the token alone opens the old objects.
      app = await start(pkcs11Env);
      s3 = client(app.endpoint);
      assert.ok((await read(s3, 'moved', 's3')).equals(big));
      assert.equal((await read(s3, 'moved', 'kms')).toString(), 'small');
      await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'new', Body: 'via the token', ServerSideEncryption: 'AES256' }));
      assert.equal((await read(s3, 'moved', 'new')).toString(), 'via the token');
      s3.destroy();
    });

    it('a wrong PIN stops the start with a clear error that does not repeat it', async () => {
      await app?.stop();
      app = undefined;
      await assert.rejects(start({ ...pkcs11Env, COFFER_KMS_PKCS11_PIN: '999999' }), (error: unknown) =>
        error instanceof Error && /COFFER_KMS_PKCS11_PIN/.test(error.message) && !error.message.includes('999999'));
    });
  });
}
