import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectAttributesCommand,
  PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw } from '../helpers/raw-request.js';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

const B = 'attributes';
const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;

describe('GetObjectAttributes through AWS SDK v3', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => server.stop());

  it('returns the unquoted ETag, checksum, storage class and size of a single-part object', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'one', Body: 'hello', ChecksumAlgorithm: 'CRC32', StorageClass: 'REDUCED_REDUNDANCY' }));
    const out = await server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'one', ObjectAttributes: [...ALL] }));
    assert.equal(out.ETag, createHash('md5').update('hello').digest('hex'));
    assert.ok(out.Checksum?.ChecksumCRC32);
    assert.equal(out.Checksum?.ChecksumType, 'FULL_OBJECT');
    assert.equal(out.StorageClass, 'REDUCED_REDUNDANCY');
    assert.equal(out.ObjectSize, 5);
    assert.equal(out.ObjectParts, undefined);
    assert.ok(out.LastModified instanceof Date);
  });

  it('returns only the attributes asked for', async () => {
    const out = await server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'one', ObjectAttributes: ['ObjectSize'] }));
    assert.equal(out.ObjectSize, 5);
    assert.equal(out.ETag, undefined);
    assert.equal(out.StorageClass, undefined);
  });

  it('lists the parts of a multipart object, paged by max-parts and part-number-marker', async () => {
    const part = Buffer.alloc(5 * 1024 * 1024, 1);
    const { UploadId } = await server.client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'multi' }));
    const parts = [];
    for (const [n, body] of [[1, part], [2, part], [3, Buffer.from('tail')]] as const) {
      const { ETag } = await server.client.send(new UploadPartCommand({ Bucket: B, Key: 'multi', UploadId, PartNumber: n, Body: body }));
      parts.push({ ETag, PartNumber: n });
    }
    await server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'multi', UploadId, MultipartUpload: { Parts: parts } }));
    const first = await server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'multi', ObjectAttributes: ['ObjectParts', 'ETag'], MaxParts: 2 }));
    assert.match(first.ETag ?? '', /^[0-9a-f]{32}-3$/);
    assert.equal(first.ObjectParts?.TotalPartsCount, 3);
    assert.equal(first.ObjectParts?.IsTruncated, true);
    assert.deepEqual(first.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, part.length], [2, part.length]]);
    const rest = await server.client.send(new GetObjectAttributesCommand({
      Bucket: B, Key: 'multi', ObjectAttributes: ['ObjectParts'], PartNumberMarker: first.ObjectParts?.NextPartNumberMarker,
    }));
    assert.equal(rest.ObjectParts?.IsTruncated, false);
    assert.deepEqual(rest.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size]), [[3, 4]]);
  });

  it('reads a named version and answers 405 for a delete marker and 404 when the key is deleted', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'attributes-v' }));
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'attributes-v', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await server.client.send(new PutObjectCommand({ Bucket: 'attributes-v', Key: 'k', Body: 'first' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'attributes-v', Key: 'k', Body: 'second!' }));
    const old = await server.client.send(new GetObjectAttributesCommand({ Bucket: 'attributes-v', Key: 'k', VersionId: v1.VersionId, ObjectAttributes: ['ObjectSize'] }));
    assert.equal(old.ObjectSize, 5);
    assert.equal(old.VersionId, v1.VersionId);
    const marker = await server.client.send(new DeleteObjectCommand({ Bucket: 'attributes-v', Key: 'k' }));
    await expectS3Error(server.client.send(new GetObjectAttributesCommand({ Bucket: 'attributes-v', Key: 'k', ObjectAttributes: ['ETag'] })), 'NoSuchKey', 404);
    await expectS3Error(
      server.client.send(new GetObjectAttributesCommand({ Bucket: 'attributes-v', Key: 'k', VersionId: marker.VersionId, ObjectAttributes: ['ETag'] })),
      'MethodNotAllowed',
      405,
    );
  });

  it('refuses a missing, empty or unknown attribute list with InvalidArgument', async () => {
    await expectS3Error(server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'one', ObjectAttributes: ['Bogus' as 'ETag'] })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'one', ObjectAttributes: [] })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'missing', ObjectAttributes: ['ETag'] })), 'NoSuchKey', 404);
  });

  it('denies anonymous callers', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: `/${B}/one?attributes`, headers: { 'x-amz-object-attributes': 'ETag' } });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
  });
});
