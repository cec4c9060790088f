import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw } from '../helpers/raw-request.js';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

const B = 'copy-src';
const D = 'copy-dst';

describe('CopyObject through AWS SDK v3', () => {
  let server: TestServer;
  const read = async (Bucket: string, Key: string, VersionId?: string) =>
    Buffer.from(await (await server.client.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToByteArray());

  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: B }));
    await server.client.send(new CreateBucketCommand({ Bucket: D }));
  });
  after(() => server.stop());

  for (const size of [0, 1000, 400 * 1024]) {
    it(`copies a ${size}-byte object across buckets with its metadata (COPY directive)`, async () => {
      const data = Buffer.alloc(size, 7);
      await server.client.send(new PutObjectCommand({ Bucket: B, Key: `obj-${size}`, Body: data, ContentType: 'text/x-src', Metadata: { color: 'blue' } }));
      const out = await server.client.send(new CopyObjectCommand({ Bucket: D, Key: `dst/${size}`, CopySource: `${B}/obj-${size}`, ContentType: 'ignored/x', Metadata: { color: 'red' } }));
      assert.equal(out.CopyObjectResult?.ETag, `"${createHash('md5').update(data).digest('hex')}"`);
      assert.ok(out.CopyObjectResult?.LastModified instanceof Date);
      assert.deepEqual(await read(D, `dst/${size}`), data);
      const head = await server.client.send(new HeadObjectCommand({ Bucket: D, Key: `dst/${size}` }));
      assert.equal(head.ContentType, 'text/x-src');
      assert.deepEqual(head.Metadata, { color: 'blue' });
    });
  }

  it('replaces metadata with the REPLACE directive and keys with special characters survive', async () => {
    const key = 'ünï cødé/ファイル+?&.txt';
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: key, Body: 'meta', Metadata: { old: '1' }, ContentType: 'text/old' }));
    await server.client.send(new CopyObjectCommand({
      Bucket: D, Key: key, CopySource: encodeURIComponent(`${B}/${key}`), MetadataDirective: 'REPLACE', Metadata: { fresh: '2' }, ContentType: 'text/new',
    }));
    const head = await server.client.send(new HeadObjectCommand({ Bucket: D, Key: key }));
    assert.deepEqual(head.Metadata, { fresh: '2' });
    assert.equal(head.ContentType, 'text/new');
  });

  it('refuses to copy an object onto itself without changes, and allows it with REPLACE or another storage class', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'self', Body: 'same', Metadata: { a: '1' } }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self` })), 'InvalidRequest', 400);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self`, StorageClass: 'STANDARD' })), 'InvalidRequest', 400);
    await server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self`, MetadataDirective: 'REPLACE', Metadata: { a: '2' } }));
    assert.deepEqual((await server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'self' }))).Metadata, { a: '2' });
    await server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self`, StorageClass: 'REDUCED_REDUNDANCY' }));
    assert.equal((await server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'self' }))).StorageClass, 'REDUCED_REDUNDANCY');
    assert.equal((await read(B, 'self')).toString(), 'same');
  });

  it('refuses unknown directives with InvalidArgument and copies nothing', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'dir', Body: 'x' }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'dir', CopySource: `${B}/dir`, MetadataDirective: 'MERGE' as 'COPY' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'dir', CopySource: `${B}/dir`, TaggingDirective: 'copy' as 'COPY' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: D, Key: 'dir' })), 'NotFound', 404);
  });

  it('evaluates the copy-source conditions and changes nothing when one fails', async () => {
    const put = await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cond', Body: 'source' }));
    await server.client.send(new PutObjectCommand({ Bucket: D, Key: 'cond', Body: 'existing' }));
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 3600_000);
    const failing = [
      { CopySourceIfMatch: '"00000000000000000000000000000000"' },
      { CopySourceIfNoneMatch: put.ETag },
      { CopySourceIfModifiedSince: future },
      { CopySourceIfUnmodifiedSince: past },
      { CopySourceIfNoneMatch: put.ETag, CopySourceIfModifiedSince: past },
    ];
    for (const conditions of failing) {
      await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'cond', CopySource: `${B}/cond`, ...conditions })), 'PreconditionFailed', 412);
    }
    assert.equal((await read(D, 'cond')).toString(), 'existing');
    // If-Match true wins over If-Unmodified-Since false, as in S3.
    await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'cond', CopySource: `${B}/cond`, CopySourceIfMatch: put.ETag, CopySourceIfUnmodifiedSince: past }));
    assert.equal((await read(D, 'cond')).toString(), 'source');
  });

  it('honours If-None-Match: * and If-Match on the destination', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'dest-cond', Body: 'new' }));
    const existing = await server.client.send(new PutObjectCommand({ Bucket: D, Key: 'dest-cond', Body: 'old' }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'dest-cond', CopySource: `${B}/dest-cond`, IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'dest-cond', CopySource: `${B}/dest-cond`, IfMatch: '"11111111111111111111111111111111"' })), 'PreconditionFailed', 412);
    assert.equal((await read(D, 'dest-cond')).toString(), 'old');
    await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'dest-cond', CopySource: `${B}/dest-cond`, IfMatch: existing.ETag }));
    assert.equal((await read(D, 'dest-cond')).toString(), 'new');
  });

  it('copies a named source version, answers x-amz-copy-source-version-id, and creates a new destination version', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'copy-v' }));
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'copy-v', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await server.client.send(new PutObjectCommand({ Bucket: 'copy-v', Key: 'k', Body: 'one' }));
    const v2 = await server.client.send(new PutObjectCommand({ Bucket: 'copy-v', Key: 'k', Body: 'two' }));
    const out = await server.client.send(new CopyObjectCommand({ Bucket: 'copy-v', Key: 'k', CopySource: `copy-v/k?versionId=${v1.VersionId}` }));
    assert.equal(out.CopySourceVersionId, v1.VersionId);
    assert.ok(out.VersionId && out.VersionId !== v1.VersionId && out.VersionId !== v2.VersionId);
    assert.equal((await read('copy-v', 'k')).toString(), 'one');
    assert.equal((await read('copy-v', 'k', v2.VersionId)).toString(), 'two');
    const latest = await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'from-versioned', CopySource: 'copy-v/k' }));
    assert.equal(latest.CopySourceVersionId, out.VersionId);
    assert.equal(latest.VersionId, undefined);
    const marker = await server.client.send(new DeleteObjectCommand({ Bucket: 'copy-v', Key: 'k' }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'x', CopySource: 'copy-v/k' })), 'NoSuchKey', 404);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'x', CopySource: `copy-v/k?versionId=${marker.VersionId}` })), 'InvalidRequest', 400);
  });

  it('keeps the source checksum algorithm and returns it in CopyObjectResult', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'ck', Body: 'checksummed', ChecksumAlgorithm: 'SHA256' }));
    const out = await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'ck', CopySource: `${B}/ck` }));
    assert.equal(out.CopyObjectResult?.ChecksumSHA256, createHash('sha256').update('checksummed').digest('base64'));
    const crc = await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'ck2', CopySource: `${B}/ck`, ChecksumAlgorithm: 'CRC32' }));
    assert.ok(crc.CopyObjectResult?.ChecksumCRC32);
  });

  it('answers missing sources and buckets with NoSuchKey / NoSuchBucket, and a bad header with InvalidArgument', async () => {
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'x', CopySource: `${B}/nope` })), 'NoSuchKey', 404);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'x', CopySource: 'no-such-bucket-here/k' })), 'NoSuchBucket', 404);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'x', CopySource: 'only-bucket' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: 'no-such-dest', Key: 'x', CopySource: `${B}/cond` })), 'NoSuchBucket', 404);
  });

  it('checks x-amz-source-expected-bucket-owner', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'owned', Body: 'x' }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'owned', CopySource: `${B}/owned`, ExpectedSourceBucketOwner: '111122223333' })), 'AccessDenied', 403);
    await server.client.send(new CopyObjectCommand({ Bucket: D, Key: 'owned', CopySource: `${B}/owned`, ExpectedSourceBucketOwner: '000000000000' }));
  });

  it('denies an anonymous copy before looking at the source', async () => {
    const res = await sendRaw(server.endpoint, { method: 'PUT', path: `/${D}/anon`, headers: { 'x-amz-copy-source': `/${B}/owned`, 'content-length': '0' } });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
  });
});
