import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expectS3Error, expectStatus, startTestServer, type TestServer } from '../helpers/server.js';

const BODY = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const BIG = Buffer.alloc(300 * 1024, 7); // above the inline threshold: stored as a blob file

describe('GetObject and HeadObject', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: 'reads' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'reads', Key: 'obj', Body: BODY, ContentType: 'application/x-test' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'reads', Key: 'big', Body: BIG }));
  });
  after(() => server.stop());

  /** Where a single S3 range lands in an object of `size` bytes. */
  function expected(range: string, size: number): [number, number] {
    const [first = '', last = ''] = range.slice(6).split('-');
    if (first === '') return [Math.max(0, size - Number(last)), size - 1];
    return [Number(first), last === '' ? size - 1 : Math.min(Number(last), size - 1)];
  }

  for (const range of ['bytes=0-9', 'bytes=10-', 'bytes=-100', 'bytes=990-5000', 'bytes=-5000']) {
    for (const [key, source] of [['obj', BODY], ['big', BIG]] as const) {
      it(`serves ${range} of a ${key === 'big' ? 'blob-stored' : 'inline'} object as 206 with the exact bytes`, async () => {
        const [first, last] = expected(range, source.length);
        const got = await server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: key, Range: range }));
        assert.equal(got.$metadata.httpStatusCode, 206);
        assert.equal(got.ContentRange, `bytes ${first}-${last}/${source.length}`);
        const bytes = Buffer.from(await got.Body!.transformToByteArray());
        assert.ok(bytes.equals(source.subarray(first, last + 1)));
      });
    }
  }

  it('answers 416 InvalidRange with Content-Range for a range past the end', async () => {
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', Range: 'bytes=1000-' })), 'InvalidRange', 416);
  });

  it('ignores a Range header it cannot parse and returns the whole object', async () => {
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', Range: 'bytes=abc' }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.equal(got.ContentLength, 1000);
  });

  it('applies response-* overrides on signed requests', async () => {
    const got = await server.client.send(new GetObjectCommand({
      Bucket: 'reads', Key: 'obj', ResponseContentType: 'text/csv', ResponseContentDisposition: 'inline', ResponseCacheControl: 'max-age=5',
    }));
    assert.equal(got.ContentType, 'text/csv');
    assert.equal(got.ContentDisposition, 'inline');
    assert.equal(got.CacheControl, 'max-age=5');
    await got.Body!.transformToByteArray();
  });

  it('serves partNumber=1 of a simple object as the whole object and refuses part 2', async () => {
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', PartNumber: 1 }));
    assert.equal(got.PartsCount, 1);
    assert.equal((await got.Body!.transformToByteArray()).length, 1000);
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', PartNumber: 2 })), 'InvalidPart', 400);
  });

  it('evaluates If-Match, If-None-Match and If-Modified-Since as S3 does', async () => {
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'reads', Key: 'obj' }));
    const ok = await server.client.send(new HeadObjectCommand({ Bucket: 'reads', Key: 'obj', IfMatch: head.ETag }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', IfMatch: '"nope"' })), 'PreconditionFailed', 412);
    await expectStatus(server.client.send(new HeadObjectCommand({ Bucket: 'reads', Key: 'obj', IfNoneMatch: head.ETag })), 304);
    await expectStatus(
      server.client.send(new HeadObjectCommand({ Bucket: 'reads', Key: 'obj', IfModifiedSince: new Date(Date.now() + 60_000) })),
      304,
    );
    await expectS3Error(
      server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', IfUnmodifiedSince: new Date(Date.now() - 3_600_000) })),
      'PreconditionFailed',
      412,
    );
  });

  it('answers NoSuchKey for a missing key, NoSuchVersion for an unknown version and InvalidArgument for a malformed one', async () => {
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'missing' })), 'NoSuchKey', 404);
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', VersionId: 'v'.repeat(32) })), 'NoSuchVersion', 404);
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'reads', Key: 'obj', VersionId: 'v123' })), 'InvalidArgument', 400);
    const nullVersion = await server.client.send(new HeadObjectCommand({ Bucket: 'reads', Key: 'obj', VersionId: 'null' }));
    assert.equal(nullVersion.ContentLength, 1000);
  });
});
