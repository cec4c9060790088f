/**
 * Encryption at rest through AWS SDK v3: SSE-S3, SSE-KMS and SSE-C round trips (0 B, inline,
 * blob, multi-package), ranges across package and part boundaries, multipart per mode, copies
 * between modes, bucket default encryption, the AWS errors of bad input, and tamper detection
 * (one flipped byte of a blob on disk, of a sealed key in the metadata database).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expectS3Error, expectStatus, startTestServer, type TestServer } from '../helpers/server.js';

const STATIC_KEY = `coffer-test-key:${Buffer.alloc(32, 7).toString('base64')}`;
const PKG = 65536;

function customerKey(seed = 1): { SSECustomerAlgorithm: string; SSECustomerKey: string; SSECustomerKeyMD5: string; raw: Buffer } {
  const raw = Buffer.alloc(32, seed);
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: raw.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(raw).digest('base64'), raw };
}
const ssec = (seed = 1) => {
  const { raw: _raw, ...headers } = customerKey(seed);
  return headers;
};
const copySsec = (seed = 1) => {
  const k = ssec(seed);
  return { CopySourceSSECustomerAlgorithm: k.SSECustomerAlgorithm, CopySourceSSECustomerKey: k.SSECustomerKey, CopySourceSSECustomerKeyMD5: k.SSECustomerKeyMD5 };
};

async function readAll(client: S3Client, input: ConstructorParameters<typeof GetObjectCommand>[0]): Promise<{ body: Buffer; out: Awaited<ReturnType<S3Client['send']>> & Record<string, unknown> }> {
  const out = (await client.send(new GetObjectCommand(input))) as never as { Body: { transformToByteArray(): Promise<Uint8Array> } } & Record<string, unknown>;
  return { body: Buffer.from(await out.Body.transformToByteArray()), out: out as never };
}

/** Sets raw request headers after the SDK's own SSE-C middleware (which recomputes the key MD5). */
function rawHeaders<T extends { middlewareStack: { add: (...args: never[]) => void } }>(command: T, headers: Record<string, string>): T {
  (command.middlewareStack.add as (mw: unknown, opts: unknown) => void)(
    (next: (args: { request: { headers: Record<string, string> } }) => unknown) => (args: { request: { headers: Record<string, string> } }) => {
      Object.assign(args.request.headers, headers);
      return next(args);
    },
    { step: 'build', name: 'rawSseHeaders' },
  );
  return command;
}

type Mode = 'SSE-S3' | 'SSE-KMS' | 'SSE-C';
const MODES: Mode[] = ['SSE-S3', 'SSE-KMS', 'SSE-C'];
function putHeaders(mode: Mode): Record<string, string> {
  if (mode === 'SSE-S3') return { ServerSideEncryption: 'AES256' };
  if (mode === 'SSE-KMS') return { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'coffer-test-key' };
  return ssec();
}
const getHeaders = (mode: Mode): Record<string, string> => (mode === 'SSE-C' ? ssec() : {});

describe('SSE with a static KMS key', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startTestServer({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
    s3 = server.client;
    await s3.send(new CreateBucketCommand({ Bucket: 'sse' }));
  });
  after(async () => server.stop());

  for (const mode of MODES) {
    it(`${mode}: round trips 0 B, inline, blob and multi-package sizes with plaintext sizes`, async () => {
      for (const size of [0, 1, 4096, 128 * 1024, 128 * 1024 + 1, 3 * PKG + 17]) {
        const key = `${mode}/obj-${size}`;
        const data = randomBytes(size);
        const put = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: key, Body: data, ...putHeaders(mode) }));
        const md5 = createHash('md5').update(data).digest('hex');
        if (mode === 'SSE-S3') {
          assert.equal(put.ServerSideEncryption, 'AES256');
          assert.equal(put.ETag, `"${md5}"`);
        } else {
          assert.notEqual(put.ETag, `"${md5}"`);
        }
        if (mode === 'SSE-KMS') assert.equal(put.SSEKMSKeyId, 'arn:aws:kms:coffer-test-key');
        if (mode === 'SSE-C') assert.equal(put.SSECustomerKeyMD5, ssec().SSECustomerKeyMD5);
        const { body, out } = await readAll(s3, { Bucket: 'sse', Key: key, ...getHeaders(mode) });
        assert.ok(body.equals(data), `${key} reads back`);
        assert.equal(out.ContentLength, size);
        assert.equal(out.ETag, put.ETag);
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: key, ...getHeaders(mode) }));
        assert.equal(head.ContentLength, size);
        assert.equal(head.ServerSideEncryption, mode === 'SSE-C' ? undefined : mode === 'SSE-S3' ? 'AES256' : 'aws:kms');
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sse', Prefix: `${mode}/` }));
      const sizes = new Map((listed.Contents ?? []).map((o) => [o.Key, o.Size]));
      assert.equal(sizes.get(`${mode}/obj-${3 * PKG + 17}`), 3 * PKG + 17);
    });

    it(`${mode}: ranges across package boundaries decrypt only what they need`, async () => {
      const data = randomBytes(5 * PKG + 100);
      await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: `${mode}/ranges`, Body: data, ...putHeaders(mode) }));
      const cases: Array<[number, number]> = [[0, 0], [PKG - 1, PKG], [PKG - 10, 3 * PKG + 5], [2 * PKG, 2 * PKG + PKG - 1], [5 * PKG, 5 * PKG + 99], [123, 5 * PKG + 99]];
      for (const [start, end] of cases) {
        const { body, out } = await readAll(s3, { Bucket: 'sse', Key: `${mode}/ranges`, Range: `bytes=${start}-${end}`, ...getHeaders(mode) });
        assert.ok(body.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
        assert.equal(out.ContentRange, `bytes ${start}-${end}/${data.length}`);
        assert.equal(out.ContentLength, end - start + 1);
      }
      const { body } = await readAll(s3, { Bucket: 'sse', Key: `${mode}/ranges`, Range: 'bytes=-70000', ...getHeaders(mode) });
      assert.ok(body.equals(data.subarray(data.length - 70000)));
      // Inline object ranges too.
      const small = randomBytes(1000);
      await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: `${mode}/small`, Body: small, ...putHeaders(mode) }));
      const part = await readAll(s3, { Bucket: 'sse', Key: `${mode}/small`, Range: 'bytes=10-19', ...getHeaders(mode) });
      assert.ok(part.body.equals(small.subarray(10, 20)));
    });

    it(`${mode}: multipart upload, part reads and ranges across part boundaries`, async () => {
      const key = `${mode}/mp`;
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse', Key: key, ...putHeaders(mode) }));
      if (mode !== 'SSE-C') assert.equal(created.ServerSideEncryption, mode === 'SSE-S3' ? 'AES256' : 'aws:kms');
      const parts = [randomBytes(5 * 1024 * 1024 + 3), randomBytes(PKG * 2 + 5)];
      const etags: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        const up = await s3.send(new UploadPartCommand({ Bucket: 'sse', Key: key, UploadId: created.UploadId, PartNumber: i + 2, Body: parts[i], ...getHeaders(mode) }));
        etags.push(up.ETag as string);
      }
      const done = await s3.send(new CompleteMultipartUploadCommand({
        Bucket: 'sse', Key: key, UploadId: created.UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 2 })) },
      }));
      if (mode !== 'SSE-C') assert.ok(done.ServerSideEncryption);
      const all = Buffer.concat(parts);
      const { body, out } = await readAll(s3, { Bucket: 'sse', Key: key, ...getHeaders(mode) });
      assert.ok(body.equals(all));
      assert.equal(out.ContentLength, all.length);
      const boundary = parts[0]!.length;
      const r = await readAll(s3, { Bucket: 'sse', Key: key, Range: `bytes=${boundary - PKG - 3}-${boundary + PKG + 7}`, ...getHeaders(mode) });
      assert.ok(r.body.equals(all.subarray(boundary - PKG - 3, boundary + PKG + 8)));
      const p2 = await readAll(s3, { Bucket: 'sse', Key: key, PartNumber: 2, ...getHeaders(mode) });
      assert.ok(p2.body.equals(parts[1]!));
    });
  }

  it('SSE-KMS with an encryption context round trips and echoes it', async () => {
    const context = Buffer.from(JSON.stringify({ project: 'coffer' })).toString('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'ctx', Body: 'hello', ServerSideEncryption: 'aws:kms', SSEKMSEncryptionContext: context }));
    assert.equal(put.SSEKMSKeyId, 'arn:aws:kms:coffer-test-key');
    const { body } = await readAll(s3, { Bucket: 'sse', Key: 'ctx' });
    assert.equal(body.toString(), 'hello');
  });

  it('copies between every pair of modes and re-seals for the new name', async () => {
    const data = randomBytes(200 * 1024);
    const sources: Array<Mode | 'plain'> = ['plain', ...MODES];
    for (const from of sources) {
      await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: `copy-src-${from}`, Body: data, ...(from === 'plain' ? {} : putHeaders(from)) }));
      for (const to of sources) {
        const dest = `copy-${from}-to-${to}`;
        await s3.send(new CopyObjectCommand({
          Bucket: 'sse', Key: dest, CopySource: `sse/copy-src-${from}`,
          ...(to === 'plain' ? {} : putHeaders(to)),
          ...(from === 'SSE-C' ? copySsec() : {}),
        }));
        const { body, out } = await readAll(s3, { Bucket: 'sse', Key: dest, ...(to === 'SSE-C' ? ssec() : {}) });
        assert.ok(body.equals(data), `${from} → ${to}`);
        assert.equal(out.ServerSideEncryption, to === 'SSE-S3' ? 'AES256' : to === 'SSE-KMS' ? 'aws:kms' : undefined);
      }
    }
    // SSE-C source re-keyed to another SSE-C key; the old key no longer opens the copy.
    await s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'rekeyed', CopySource: 'sse/copy-src-SSE-C', ...copySsec(1), ...ssec(2) }));
    assert.ok((await readAll(s3, { Bucket: 'sse', Key: 'rekeyed', ...ssec(2) })).body.equals(data));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'rekeyed', ...ssec(1) })), 'AccessDenied', 403);
    // An SSE-C source without the copy-source key is refused.
    await expectS3Error(s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'x', CopySource: 'sse/copy-src-SSE-C' })), 'InvalidRequest', 400);
  });

  it('UploadPartCopy from an SSE-C source into an SSE-S3 upload', async () => {
    const data = randomBytes(6 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'upc-src', Body: data, ...ssec() }));
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse', Key: 'upc', ServerSideEncryption: 'AES256' }));
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: 'sse', Key: 'upc', UploadId: created.UploadId, PartNumber: 1, CopySource: 'sse/upc-src', ...copySsec() }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'sse', Key: 'upc', UploadId: created.UploadId, MultipartUpload: { Parts: [{ ETag: part.CopyPartResult?.ETag, PartNumber: 1 }] } }));
    assert.ok((await readAll(s3, { Bucket: 'sse', Key: 'upc' })).body.equals(data));
  });

  it('bucket default encryption applies to writes without SSE headers', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sse-default' }));
    await expectS3Error(s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' })), 'ServerSideEncryptionConfigurationNotFoundError', 404);
    await s3.send(new PutBucketEncryptionCommand({ Bucket: 'sse-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    assert.equal(got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'a', Body: 'x' }));
    assert.equal(put.ServerSideEncryption, 'AES256');
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse-default', Key: 'm' }));
    assert.equal(mp.ServerSideEncryption, 'AES256');
    // Explicit headers win over the default.
    const c = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'c', Body: 'x', ...ssec() }));
    assert.equal(c.ServerSideEncryption, undefined);
    await s3.send(new PutBucketEncryptionCommand({ Bucket: 'sse-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:coffer-test-key' } }] } }));
    const kmsPut = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'k', Body: 'x' }));
    assert.equal(kmsPut.ServerSideEncryption, 'aws:kms');
    await expectS3Error(s3.send(new PutBucketEncryptionCommand({ Bucket: 'sse-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'no-such-key' } }] } })), 'KMS.NotFoundException', 400);
    await expectS3Error(s3.send(new PutBucketEncryptionCommand({ Bucket: 'sse-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'coffer-test-key' } }] } })), 'InvalidArgument', 400);
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-default' }));
    const plain = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'p', Body: 'x' }));
    assert.equal(plain.ServerSideEncryption, undefined);
  });

  it('answers bad SSE input with the AWS errors', async () => {
    const k = ssec();
    const md5Header = 'x-amz-server-side-encryption-customer-key-md5';
    await expectS3Error(s3.send(rawHeaders(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x', ...k }), { [md5Header]: ssec(3).SSECustomerKeyMD5 })), 'InvalidArgument', 400);
    const short = randomBytes(16);
    await expectS3Error(s3.send(rawHeaders(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x', ...k }), {
      'x-amz-server-side-encryption-customer-key': short.toString('base64'),
      [md5Header]: createHash('md5').update(short).digest('base64'),
    })), 'InvalidArgument', 400);
    await expectS3Error(s3.send(rawHeaders(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x' }), { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' })), 'InvalidArgument', 400);
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x', ...k, ServerSideEncryption: 'AES256' })), 'InvalidArgument', 400);
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'missing-key' })), 'KMS.NotFoundException', 400);
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'bad', Body: 'x', ServerSideEncryption: 'DES' as never })), 'InvalidArgument', 400);
    // Reads of an SSE-C object: without the key 400, with a wrong key 403; SSE-C headers on a plain object 400.
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'c-obj', Body: 'secret', ...k }));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'c-obj' })), 'InvalidRequest', 400);
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'c-obj', ...ssec(9) })), 'AccessDenied', 403);
    await expectStatus(s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'c-obj' })), 400);
    await expectStatus(s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'c-obj', ...ssec(9) })), 403);
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'plain-obj', Body: 'open' }));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'plain-obj', ...k })), 'InvalidRequest', 400);
    // UploadPart of an SSE-C upload needs the key again.
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse', Key: 'c-mp', ...k }));
    await expectS3Error(s3.send(new UploadPartCommand({ Bucket: 'sse', Key: 'c-mp', UploadId: created.UploadId, PartNumber: 1, Body: 'x' })), 'InvalidRequest', 400);
    await expectS3Error(s3.send(new UploadPartCommand({ Bucket: 'sse', Key: 'c-mp', UploadId: created.UploadId, PartNumber: 1, Body: 'x', ...ssec(4) })), 'InvalidArgument', 400);
  });
});

describe('SSE without a KMS', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: 'nokms' }));
  });
  after(async () => server.stop());

  it('answers SSE-S3 / SSE-KMS with 501, keeps SSE-C and plain traffic working', async () => {
    const s3 = server.client;
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'nokms', Key: 'a', Body: 'x', ServerSideEncryption: 'AES256' })), 'NotImplemented', 501);
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'nokms', Key: 'a', Body: 'x', ServerSideEncryption: 'aws:kms' })), 'NotImplemented', 501);
    await expectS3Error(s3.send(new PutBucketEncryptionCommand({ Bucket: 'nokms', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } })), 'NotImplemented', 501);
    await s3.send(new PutObjectCommand({ Bucket: 'nokms', Key: 'c', Body: 'customer', ...ssec() }));
    assert.equal((await readAll(s3, { Bucket: 'nokms', Key: 'c', ...ssec() })).body.toString(), 'customer');
    await s3.send(new PutObjectCommand({ Bucket: 'nokms', Key: 'p', Body: 'plain' }));
    assert.equal((await readAll(s3, { Bucket: 'nokms', Key: 'p' })).body.toString(), 'plain');
  });
});

describe('SSE conformance details (s3-tests encryption selection)', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startTestServer({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
    s3 = server.client;
    await s3.send(new CreateBucketCommand({ Bucket: 'ssec' }));
  });
  after(async () => server.stop());

  it('refuses x-amz-server-side-encryption headers on GetObject / HeadObject with 400', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ssec', Key: 's3', Body: 'x', ServerSideEncryption: 'AES256' }));
    await s3.send(new PutObjectCommand({ Bucket: 'ssec', Key: 'plain', Body: 'x' }));
    const sse = { 'x-amz-server-side-encryption': 'AES256' };
    const kms = { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'coffer-test-key' };
    await expectS3Error(s3.send(rawHeaders(new GetObjectCommand({ Bucket: 'ssec', Key: 's3' }), sse)), 'InvalidArgument', 400);
    await expectStatus(s3.send(rawHeaders(new HeadObjectCommand({ Bucket: 'ssec', Key: 's3' }), sse)), 400);
    await expectS3Error(s3.send(rawHeaders(new GetObjectCommand({ Bucket: 'ssec', Key: 'plain' }), kms)), 'InvalidArgument', 400);
    assert.equal((await readAll(s3, { Bucket: 'ssec', Key: 's3' })).body.toString(), 'x');
  });

  it('answers GetObjectAttributes of an SSE-C object only with its key (400 without, 403 wrong)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ssec', Key: 'attrs', Body: 'secret', ...ssec(1) }));
    const input = { Bucket: 'ssec', Key: 'attrs', ObjectAttributes: ['ObjectSize' as const] };
    await expectS3Error(s3.send(new GetObjectAttributesCommand(input)), 'InvalidRequest', 400);
    await expectS3Error(s3.send(new GetObjectAttributesCommand({ ...input, ...ssec(2) })), 'AccessDenied', 403);
    assert.equal((await s3.send(new GetObjectAttributesCommand({ ...input, ...ssec(1) }))).ObjectSize, 6);
  });

  it('checks partNumber before the SSE-C key: InvalidPart for a part beyond the count', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ssec', Key: 'c', Body: 'secret', ...ssec() }));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'c', PartNumber: 5 })), 'InvalidPart', 400);
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'c', PartNumber: 1 })), 'InvalidRequest', 400);
  });

  it('an SSE-C key that differs from the upload\'s is 400 on UploadPart, UploadPartCopy and CompleteMultipartUpload', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ssec', Key: 'src', Body: randomBytes(1024) }));
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'ssec', Key: 'mp', ...ssec(1) }));
    const UploadId = created.UploadId;
    await expectS3Error(s3.send(new UploadPartCommand({ Bucket: 'ssec', Key: 'mp', UploadId, PartNumber: 1, Body: 'x', ...ssec(2) })), 'InvalidArgument', 400);
    await expectS3Error(s3.send(new UploadPartCopyCommand({ Bucket: 'ssec', Key: 'mp', UploadId, PartNumber: 1, CopySource: 'ssec/src', ...ssec(2) })), 'InvalidArgument', 400);
    const part = await s3.send(new UploadPartCommand({ Bucket: 'ssec', Key: 'mp', UploadId, PartNumber: 1, Body: 'hello', ...ssec(1) }));
    const Parts = [{ ETag: part.ETag, PartNumber: 1 }];
    await expectS3Error(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'ssec', Key: 'mp', UploadId, MultipartUpload: { Parts }, ...ssec(2) })), 'InvalidArgument', 400);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'ssec', Key: 'mp', UploadId, MultipartUpload: { Parts }, ...ssec(1) }));
    assert.equal((await readAll(s3, { Bucket: 'ssec', Key: 'mp', ...ssec(1) })).body.toString(), 'hello');
    // SSE-C headers on a CompleteMultipartUpload of an upload that is not SSE-C.
    const plain = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'ssec', Key: 'mp2' }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: 'ssec', Key: 'mp2', UploadId: plain.UploadId, PartNumber: 1, Body: 'x' }));
    await expectStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'ssec', Key: 'mp2', UploadId: plain.UploadId, MultipartUpload: { Parts: [{ ETag: p1.ETag, PartNumber: 1 }] }, ...ssec(1) })), 400);
  });

  it('GetBucketEncryption returns KMSMasterKeyID as it was put (ARN form), and writes use that key', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'ssec-default' }));
    const arn = 'arn:aws:kms:coffer-test-key';
    await s3.send(new PutBucketEncryptionCommand({ Bucket: 'ssec-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arn } }] } }));
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'ssec-default' }));
    assert.equal(got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, arn);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'ssec-default', Key: 'k', Body: 'kms' }));
    assert.equal(put.SSEKMSKeyId, arn);
    assert.equal((await readAll(s3, { Bucket: 'ssec-default', Key: 'k' })).body.toString(), 'kms');
  });
});
