import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

const B = 'conditional';

describe('conditional writes and deletes through AWS SDK v3', () => {
  let server: TestServer;
  const body = async (Key: string, Bucket = B) => (await server.client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => server.stop());

  it('creates with If-None-Match: * only when no object exists', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'create', Body: 'first', IfNoneMatch: '*' }));
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'create', Body: 'second', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    assert.equal(await body('create'), 'first');
  });

  it('lets exactly one of 10 parallel If-None-Match: * PUTs win, for inline and blob-sized bodies', async () => {
    for (const size of [10, 300 * 1024]) {
      const key = `race-${size}`;
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => server.client.send(new PutObjectCommand({ Bucket: B, Key: key, Body: Buffer.alloc(size, 65 + i), IfNoneMatch: '*' }))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, `size ${size}`);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { name: string }).name, 'PreconditionFailed');
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      assert.equal((await body(key))[0], String.fromCharCode(65 + winner));
    }
  });

  it('overwrites with If-Match only when the ETag matches, quoted or not', async () => {
    const first = await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v1' }));
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v2', IfMatch: '"0123456789abcdef0123456789abcdef"' })), 'PreconditionFailed', 412);
    assert.equal(await body('cas'), 'v1');
    const second = await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v2', IfMatch: first.ETag }));
    assert.equal(await body('cas'), 'v2');
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v3', IfMatch: second.ETag!.replace(/"/g, '') }));
    assert.equal(await body('cas'), 'v3');
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v4', IfMatch: second.ETag })), 'PreconditionFailed', 412);
  });

  it('answers If-Match on a missing key with 404 NoSuchKey and writes nothing', async () => {
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'absent', Body: 'x', IfMatch: '"d41d8cd98f00b204e9800998ecf8427e"' })), 'NoSuchKey', 404);
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'absent' })), 'NotFound', 404);
  });

  it('refuses If-None-Match with an ETag and If-Match: * with NotImplemented', async () => {
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'ni', Body: 'x', IfNoneMatch: '"abc"' })), 'NotImplemented', 501);
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'ni', Body: 'x', IfMatch: '*' })), 'NotImplemented', 501);
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'ni' })), 'NotFound', 404);
  });

  it('treats a delete marker as no object in a versioned bucket', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'conditional-v' }));
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'conditional-v', VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await server.client.send(new PutObjectCommand({ Bucket: 'conditional-v', Key: 'k', Body: 'one' }));
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'conditional-v', Key: 'k', Body: 'two', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    await server.client.send(new DeleteObjectCommand({ Bucket: 'conditional-v', Key: 'k' }));
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'conditional-v', Key: 'k', Body: 'two', IfMatch: put.ETag })), 'NoSuchKey', 404);
    await server.client.send(new PutObjectCommand({ Bucket: 'conditional-v', Key: 'k', Body: 'three', IfNoneMatch: '*' }));
    assert.equal(await body('k', 'conditional-v'), 'three');
    const versions = await server.client.send(new ListObjectVersionsCommand({ Bucket: 'conditional-v' }));
    assert.equal(versions.Versions?.length, 2);
    assert.equal(versions.DeleteMarkers?.length, 1);
  });

  it('deletes with If-Match only when the current ETag matches; 404 when there is no object', async () => {
    const put = await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'del', Body: 'x' }));
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'del', IfMatch: '"ffffffffffffffffffffffffffffffff"' })), 'PreconditionFailed', 412);
    assert.equal(await body('del'), 'x');
    await server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'del', IfMatch: put.ETag }));
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'del' })), 'NotFound', 404);
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'del', IfMatch: '*' })), 'NoSuchKey', 404);
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'del', Body: 'again' }));
    await server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'del', IfMatch: '*' }));
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'del' })), 'NotFound', 404);
  });

  it('deletes with x-amz-if-match-size and x-amz-if-match-last-modified-time', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'sized', Body: 'four' }));
    const head = await server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'sized' }));
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'sized', IfMatchSize: 5 })), 'PreconditionFailed', 412);
    await expectS3Error(
      server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'sized', IfMatchLastModifiedTime: new Date(head.LastModified!.getTime() - 60_000) })),
      'PreconditionFailed',
      412,
    );
    assert.equal(await body('sized'), 'four');
    await server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'sized', IfMatchSize: 4, IfMatchLastModifiedTime: head.LastModified }));
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'sized' })), 'NotFound', 404);
    // No object: S3 answers 204 for these two conditions.
    await server.client.send(new DeleteObjectCommand({ Bucket: B, Key: 'sized', IfMatchSize: 4 }));
  });

  it('adds a delete marker with If-Match in a versioned bucket only when the ETag matches', async () => {
    const put = await server.client.send(new PutObjectCommand({ Bucket: 'conditional-v', Key: 'dm', Body: 'x' }));
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: 'conditional-v', Key: 'dm', IfMatch: '"00000000000000000000000000000000"' })), 'PreconditionFailed', 412);
    const deleted = await server.client.send(new DeleteObjectCommand({ Bucket: 'conditional-v', Key: 'dm', IfMatch: put.ETag }));
    assert.equal(deleted.DeleteMarker, true);
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: 'conditional-v', Key: 'dm', IfMatch: put.ETag })), 'NoSuchKey', 404);
  });
});
