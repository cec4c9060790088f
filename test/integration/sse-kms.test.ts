/**
 * Encryption at rest, the trouble cases: tampered ciphertext and sealed metadata on disk, a KMS
 * that is unreachable, a static key moved into KES (old objects still read), auto-encryption,
 * and SSE-C refused from a non-loopback client over plain HTTP.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createKeyManager, importStaticKey } from '../../src/kms/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { makeTlsMaterial, startKesServer, type KesServer } from '../helpers/kes-server.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
const STATIC_KEY = `coffer-test-key:${Buffer.alloc(32, 7).toString('base64')}`;

function ssec(): { SSECustomerAlgorithm: string; SSECustomerKey: string; SSECustomerKeyMD5: string } {
  const raw = Buffer.alloc(32, 1);
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: raw.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(raw).digest('base64') };
}

async function readAll(client: S3Client, input: ConstructorParameters<typeof GetObjectCommand>[0]): Promise<{ body: Buffer }> {
  const out = await client.send(new GetObjectCommand(input));
  return { body: Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()) };
}

function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs');
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).map((name) => join(root, shard, name)));
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = (bytes[offset] as number) ^ 0x01;
  writeFileSync(path, bytes);
}

/** A GET that must fail: an error answer, or a body cut short (the connection destroyed). */
async function readFails(client: S3Client, input: ConstructorParameters<typeof GetObjectCommand>[0], expected: Buffer): Promise<void> {
  let body: Buffer;
  try {
    body = (await readAll(client, input)).body;
  } catch {
    return;
  }
  assert.ok(!body.equals(expected), 'never the (tampered) object as if it were intact');
  assert.fail(`read of ${input.Key} returned ${body.length} bytes instead of failing`);
}

describe('tampering with encrypted data on disk', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
    await server.client.send(new CreateBucketCommand({ Bucket: 'tamper' }));
  });
  after(async () => server.stop());

  it('one flipped byte of an encrypted blob fails the read (first and later packages)', async () => {
    const data = randomBytes(4 * 65536 + 5);
    await server.client.send(new PutObjectCommand({ Bucket: 'tamper', Key: 'blob', Body: data, ServerSideEncryption: 'AES256' }));
    const [file] = blobFiles(server.dataDir);
    assert.ok(file, 'one blob on disk');
    assert.equal(statSync(file).size > data.length, true, 'stored bytes are longer than the plaintext');
    assert.equal(readFileSync(file).includes(data.subarray(0, 64)), false, 'no plaintext on disk');
    // A byte in package 2: the first packages stream, then the connection is cut.
    flipByte(file, 2 * (65536 + 32) + 100);
    await readFails(server.client, { Bucket: 'tamper', Key: 'blob' }, data);
    // The range before the damage still reads; a range over it fails before the reply starts.
    assert.ok((await readAll(server.client, { Bucket: 'tamper', Key: 'blob', Range: 'bytes=0-99' })).body.equals(data.subarray(0, 100)));
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'tamper', Key: 'blob', Range: `bytes=${2 * 65536}-${2 * 65536 + 10}` })), 'InternalError', 500);
  });

  it('one flipped byte of the sealed object key in the metadata database fails the read', async () => {
    for (const [key, headers] of [['sealed-s3', { ServerSideEncryption: 'AES256' }], ['sealed-c', ssec()]] as const) {
      const data = randomBytes(1000);
      await server.client.send(new PutObjectCommand({ Bucket: 'tamper', Key: key, Body: data, ...headers }));
      const db = new BetterSqlite3(join(server.dataDir, 'metadata.sqlite'));
      try {
        const row = db.prepare('select record from objects where bucket = ? and key = ?').get('tamper', key) as { record: string };
        const record = JSON.parse(row.record) as { encryption: { sealedObjectKey: { sealed: string } } };
        const sealed = Buffer.from(record.encryption.sealedObjectKey.sealed, 'base64');
        sealed[20] = (sealed[20] as number) ^ 0x01;
        record.encryption.sealedObjectKey.sealed = sealed.toString('base64');
        db.prepare('update objects set record = ? where bucket = ? and key = ?').run(JSON.stringify(record), 'tamper', key);
      } finally {
        db.close();
      }
      const read = server.client.send(new GetObjectCommand({ Bucket: 'tamper', Key: key, ...('SSECustomerKey' in headers ? ssec() : {}) }));
      if (key === 'sealed-c') await expectS3Error(read, 'AccessDenied', 403);
      else await expectS3Error(read, 'InternalError', 500);
    }
  });

  it('one flipped byte of an inline encrypted object fails the read', async () => {
    const data = randomBytes(2000);
    await server.client.send(new PutObjectCommand({ Bucket: 'tamper', Key: 'inline', Body: data, ServerSideEncryption: 'aws:kms' }));
    const db = new BetterSqlite3(join(server.dataDir, 'metadata.sqlite'));
    try {
      const row = db.prepare('select inline_data from objects where bucket = ? and key = ?').get('tamper', 'inline') as { inline_data: Buffer };
      assert.equal(row.inline_data.includes(data.subarray(0, 32)), false, 'no plaintext in the database');
      row.inline_data[500] = (row.inline_data[500] as number) ^ 0x80;
      db.prepare('update objects set inline_data = ? where bucket = ? and key = ?').run(row.inline_data, 'tamper', 'inline');
    } finally {
      db.close();
    }
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'tamper', Key: 'inline' })), 'InternalError', 500);
  });
});

describe('SSE-C over plain HTTP from a non-loopback client', () => {
  let server: TestServer;
  before(async () => {
    // Behind a trusted proxy on loopback, the forwarded client is the source address.
    server = await startTestServer({ COFFER_TRUSTED_PROXIES: '127.0.0.1/32' });
    await server.client.send(new CreateBucketCommand({ Bucket: 'remote' }));
  });
  after(async () => server.stop());

  it('is refused with InvalidRequest; loopback clients may use it', async () => {
    const command = new PutObjectCommand({ Bucket: 'remote', Key: 'c', Body: 'x', ...ssec() });
    command.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-forwarded-for'] = '203.0.113.9';
      return next(args);
    }, { step: 'build', name: 'forwardedFor' });
    await expectS3Error(server.client.send(command), 'InvalidRequest', 400);
    await server.client.send(new PutObjectCommand({ Bucket: 'remote', Key: 'c', Body: 'x', ...ssec() }));
  });
});

describe('auto-encryption', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ COFFER_KMS_SECRET_KEY: STATIC_KEY, COFFER_KMS_AUTO_ENCRYPTION: 'on' });
    await server.client.send(new CreateBucketCommand({ Bucket: 'auto' }));
  });
  after(async () => server.stop());

  it('encrypts writes without SSE headers with SSE-S3', async () => {
    const put = await server.client.send(new PutObjectCommand({ Bucket: 'auto', Key: 'a', Body: 'hello' }));
    assert.equal(put.ServerSideEncryption, 'AES256');
    assert.equal((await readAll(server.client, { Bucket: 'auto', Key: 'a' })).body.toString(), 'hello');
  });
});

describe('from the static key to KES', () => {
  const tls = makeTlsMaterial();
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-sse-kes-'));
  const tlsDir = mkdtempSync(join(tmpdir(), 'coffer-sse-kes-tls-'));
  let kes: KesServer;
  let app: App | undefined;
  const client = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY }, maxAttempts: 1 });
  const start = (env: Record<string, string>) =>
    startApp(loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...env }), { logger: silentLogger, announce: () => undefined });
  let kesEnv: Record<string, string>;

  before(async () => {
    kes = await startKesServer({ tls, identities: [tls.clientIdentity] });
    writeFileSync(join(tlsDir, 'ca.pem'), tls.serverCert);
    writeFileSync(join(tlsDir, 'client.crt'), tls.clientCert);
    writeFileSync(join(tlsDir, 'client.key'), tls.clientKey, { mode: 0o600 });
    kesEnv = {
      COFFER_KMS_KES_ENDPOINT: kes.url,
      COFFER_KMS_KES_KEY_NAME: 'coffer-test-key',
      COFFER_KMS_KES_CERT_FILE: join(tlsDir, 'client.crt'),
      COFFER_KMS_KES_KEY_FILE: join(tlsDir, 'client.key'),
      COFFER_KMS_KES_CAPATH: join(tlsDir, 'ca.pem'),
    };
  });
  after(async () => {
    await app?.stop();
    await kes.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('objects written with the static key read back after the key is imported into KES', async () => {
    app = await start({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
    let s3 = client(app.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'moved' }));
    const big = randomBytes(300 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 's3', Body: big, ServerSideEncryption: 'AES256' }));
    await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'kms', Body: 'small', ServerSideEncryption: 'aws:kms' }));
    s3.destroy();
    await app.stop();
    app = undefined;
    // `coffer admin kms key import` does this through the KMS port: the same key, the same name.
    const kms = await createKeyManager(loadConfig({}, { ...kesEnv, COFFER_KMS_SECRET_KEY: STATIC_KEY, COFFER_KMS_SECRET_KEY_LEGACY: 'true' }).kms);
    await importStaticKey(kms, 'coffer-test-key');
    await kms?.close();
    app = await start(kesEnv);
    s3 = client(app.endpoint);
    assert.ok((await readAll(s3, { Bucket: 'moved', Key: 's3' })).body.equals(big));
    assert.equal((await readAll(s3, { Bucket: 'moved', Key: 'kms' })).body.toString(), 'small');
    // New writes go through KES.
    await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'new', Body: 'via kes', ServerSideEncryption: 'AES256' }));
    assert.equal((await readAll(s3, { Bucket: 'moved', Key: 'new' })).body.toString(), 'via kes');
    const ready = await fetch(`${app.endpoint}/coffer/health/ready`);
    assert.equal(ready.status, 200);

    // KMS unreachable: encrypted reads and writes 503 and nothing is written; plaintext traffic works.
    await kes.close();
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'lost', Body: 'x', ServerSideEncryption: 'AES256' })), 'ServiceUnavailable', 503);
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: 'moved', Key: 'lost' })), 'NotFound', 404);
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'moved', Key: 's3' })), 'ServiceUnavailable', 503);
    await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'plain', Body: 'still works' }));
    assert.equal((await readAll(s3, { Bucket: 'moved', Key: 'plain' })).body.toString(), 'still works');
    s3.destroy();
  });
});
