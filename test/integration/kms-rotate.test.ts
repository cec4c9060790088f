/**
 * `coffer admin kms rotate` against a real Coffer with the test KES: SSE-S3, SSE-KMS (with an
 * encryption context) and multipart SSE-KMS objects are re-wrapped from key A to key B through
 * the admin client; after key A is deleted from KES every object still reads back byte-identical
 * through the AWS SDK with the same ETag, SSE-C and plaintext objects are untouched, and IAM
 * gates the job. Then the CLI: progress lines, --json, `rotate status`, usage errors.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand,
  PutObjectCommand, UploadPartCommand, type GetObjectCommandInput,
} from '@aws-sdk/client-s3';
import type { AdminClient, KmsRotationStatus } from '../../client/index.js';
import { cliHarness } from '../helpers/cli.js';
import { makeTlsMaterial, startKesServer, type KesServer } from '../helpers/kes-server.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { adminAs, allow, expectAdminError, policy, rootAdmin, userWith } from './admin-helpers.js';

const API_KEY = 'kes-api-key-for-rotation-tests';
const B = 'rotate-me';
const MiB = 1024 * 1024;
const customerKey = randomBytes(32);
const sseC = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64'), SSECustomerKeyMD5: (await import('node:crypto')).createHash('md5').update(customerKey).digest('base64') };

async function waitForEnd(admin: AdminClient): Promise<KmsRotationStatus> {
  for (let i = 0; i < 600; i++) {
    const status = await admin.kmsRotationStatus();
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the rotation did not end');
}

describe('KMS key rotation through the admin API, KES and the AWS SDK', () => {
  const tls = makeTlsMaterial();
  const tlsDir = mkdtempSync(join(tmpdir(), 'coffer-rotate-tls-'));
  const h = cliHarness('coffer-rotate-cli-');
  let kes: KesServer;
  let server: TestServer;
  let admin: AdminClient;
  const bodies = new Map<string, Buffer>();
  const etags = new Map<string, string>();

  before(async () => {
    kes = await startKesServer({ tls, apiKeys: [API_KEY] });
    kes.keys.set('key-a', { key: randomBytes(32), createdAt: new Date().toISOString(), createdBy: 'test' });
    kes.keys.set('key-b', { key: randomBytes(32), createdAt: new Date().toISOString(), createdBy: 'test' });
    writeFileSync(join(tlsDir, 'ca.pem'), tls.serverCert);
    server = await startTestServer({ COFFER_KMS_KES_ENDPOINT: kes.url, COFFER_KMS_KES_KEY_NAME: 'key-a', COFFER_KMS_KES_API_KEY: API_KEY, COFFER_KMS_KES_CAPATH: join(tlsDir, 'ca.pem') });
    admin = rootAdmin(server);
    assert.equal((await h.cli('alias', 'set', 'local', server.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY)).code, 0);
    const s3 = server.client;
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
    const put = async (key: string, bytes: Buffer, extra: Record<string, string>): Promise<void> => {
      const out = await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: bytes, ...extra }));
      bodies.set(key, bytes);
      etags.set(key, out.ETag as string);
    };
    await put('sse-s3', randomBytes(300_000), { ServerSideEncryption: 'AES256' });
    await put('sse-kms', randomBytes(70_000), { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-a', SSEKMSEncryptionContext: Buffer.from('{"tenant":"t1"}').toString('base64') });
    await put('sse-c', randomBytes(1000), sseC);
    await put('plain', randomBytes(1000), {});
    // Multipart SSE-KMS: two parts, each with its own part key derived from the object key.
    const parts = [randomBytes(5 * MiB), randomBytes(MiB + 17)];
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'multi', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-a' }));
    const done = [];
    for (const [i, part] of parts.entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'multi', UploadId: upload.UploadId, PartNumber: i + 1, Body: part }));
      done.push({ PartNumber: i + 1, ETag: out.ETag });
    }
    const completed = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'multi', UploadId: upload.UploadId, MultipartUpload: { Parts: done } }));
    bodies.set('multi', Buffer.concat(parts));
    etags.set('multi', completed.ETag as string);
  });
  after(async () => {
    await server.stop();
    await kes.close();
    rmSync(tlsDir, { recursive: true, force: true });
    h.cleanup();
  });

  const get = async (key: string, extra: Partial<GetObjectCommandInput> = {}): Promise<{ bytes: Buffer; etag: string | undefined }> => {
    const out = await server.client.send(new GetObjectCommand({ Bucket: B, Key: key, ...extra }));
    return { bytes: Buffer.from(await out.Body?.transformToByteArray() ?? []), etag: out.ETag };
  };

  it('is idle before the first rotation and refuses callers without admin:KMSRotateKey', async () => {
    const idle = await admin.kmsRotationStatus();
    assert.equal(idle.state, 'idle');
    await userWith(admin, 'kms-viewer', 'kms-viewer-secret', policy(allow('admin:KMSKeyStatus', '*')));
    const viewer = adminAs(server, 'kms-viewer', 'kms-viewer-secret');
    assert.equal((await viewer.kmsRotationStatus()).state, 'idle');
    await expectAdminError(viewer.startKmsRotation({ key: 'key-b' }), 'AccessDenied', 403);
    await expectAdminError(admin.startKmsRotation({ key: 'bad name' }), 'InvalidInput', 400);
    await expectAdminError(admin.startKmsRotation({ resume: true, key: 'key-b' }), 'InvalidInput', 400);
    await expectAdminError(admin.startKmsRotation({ key: 'no-such-key' }), 'InvalidInput', 400, /KMS key does not exist/);
    await expectAdminError(admin.startKmsRotation({ resume: true }), 'NoSuchEntity', 404);
  });

  it('re-wraps every SSE-S3/SSE-KMS object under key B; with key A deleted they read back byte-identical', async () => {
    const started = await admin.startKmsRotation({ key: 'key-b', bucket: B });
    assert.equal(started.state, 'running');
    const status = await waitForEnd(admin);
    assert.equal(status.state, 'done', status.error);
    assert.deepEqual([status.total, status.processed, status.rotated, status.skipped, status.failed], [4, 4, 3, 1, 0]);
    assert.deepEqual(status.skippedBy, { 'sse-c': 1, 'other-key': 0, changed: 0, gone: 0 });

    kes.keys.delete('key-a');
    for (const key of ['sse-s3', 'sse-kms', 'multi', 'plain']) {
      const { bytes, etag } = await get(key);
      assert.ok(bytes.equals(bodies.get(key) as Buffer), `${key} reads back byte-identical`);
      assert.equal(etag, etags.get(key), `${key} keeps its ETag`);
    }
    const ranged = await get('multi', { Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` });
    assert.ok(ranged.bytes.equals((bodies.get('multi') as Buffer).subarray(5 * MiB - 10, 5 * MiB + 10)), 'a range across the part boundary');
    const { bytes } = await get('sse-c', sseC);
    assert.ok(bytes.equals(bodies.get('sse-c') as Buffer));
    const head = await server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'sse-kms' }));
    assert.equal(head.SSEKMSKeyId?.endsWith('key-b'), true, 'the object now names key B');
    assert.equal(head.ContentLength, 70_000);
  });

  it('the CLI starts a rotation, prints progress and the result; rotate status shows it; --json prints the final status', async () => {
    const run = await h.coffer('admin', 'kms', 'rotate', 'local', '--key', 'key-b', '--bucket', B, '--interval', '20');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /(counting encrypted versions|\[[#-]{30}\])/);
    assert.match(run.stdout, /\[#{30}\] 100% 4\/4 rotated 3, skipped 1, failed 0\n/);
    assert.match(run.stdout, /Key rotation done: 4 versions processed, rotated 3, skipped 1, failed 0\.\n$/);

    const json = await h.json('admin', 'kms', 'rotate', 'local', '--key', 'key-b', '--bucket', B, '--prefix', 'sse-', '--interval', '20');
    assert.deepEqual([json.state, json.processed, json.rotated, json.skipped], ['done', 3, 2, 1]);
    assert.deepEqual(json.options, { key: 'key-b', bucket: B, prefix: 'sse-' });

    const status = await h.json('admin', 'kms', 'rotate', 'status', 'local');
    assert.equal(status.state, 'done');
    const human = await h.cli('admin', 'kms', 'rotate', 'status', 'local');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^State: +done\n/);
    assert.match(human.stdout, /\nProgress: +3\/3 processed: rotated 2, skipped 1, failed 0\n/);
    assert.match(human.stdout, /\nSkipped: +sse-c 1\n/);
    for (const key of ['sse-s3', 'sse-kms']) assert.ok((await get(key)).bytes.equals(bodies.get(key) as Buffer));

    const usage = await h.cli('admin', 'kms', 'rotate', 'local', '--resume', '--key', 'key-b');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--resume continues the last rotation/);
    // Key A was deleted above: neither it nor the default key (also A) can be a target.
    const missing = await h.cli('admin', 'kms', 'rotate', 'local', '--key', 'key-a');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /coffer: InvalidInput: The KMS key does not exist\./);
  });
});
