import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

const KEYS = ['a/1', 'a/2', 'a/b/3', 'b/1', 'c', 'd e/f', 'é/1', '😀'];

describe('ListObjects and ListObjectsV2', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const key of KEYS) await server.client.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: key }));
  });
  after(() => server.stop());

  it('lists every key in UTF-8 byte order', async () => {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    assert.deepEqual(page.Contents?.map((o) => o.Key), [...KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    assert.equal(page.KeyCount, KEYS.length);
    assert.equal(page.IsTruncated, false);
  });

  it('rolls keys up into common prefixes at the delimiter', async () => {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    assert.deepEqual(page.Contents?.map((o) => o.Key), ['c', '😀']);
    assert.deepEqual(page.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/', 'd e/', 'é/']);
  });

  it('combines prefix and delimiter', async () => {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', Delimiter: '/' }));
    assert.deepEqual(page.Contents?.map((o) => o.Key), ['a/1', 'a/2']);
    assert.deepEqual(page.CommonPrefixes?.map((p) => p.Prefix), ['a/b/']);
  });

  it('pages with continuation tokens without losing or repeating a key', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 3, ContinuationToken: token }));
      assert.ok((page.Contents?.length ?? 0) <= 3);
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
      assert.equal(page.IsTruncated, token !== undefined);
    } while (token);
    assert.equal(seen.length, KEYS.length);
    assert.equal(new Set(seen).size, KEYS.length);
  });

  it('pages v1 listings with markers', async () => {
    const first = await server.client.send(new ListObjectsCommand({ Bucket: 'listing', MaxKeys: 2 }));
    assert.equal(first.IsTruncated, true);
    const second = await server.client.send(new ListObjectsCommand({ Bucket: 'listing', Marker: first.Contents?.at(-1)?.Key }));
    assert.equal((first.Contents?.length ?? 0) + (second.Contents?.length ?? 0), KEYS.length);
  });

  it('starts after start-after', async () => {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'b/1' }));
    assert.equal(page.Contents?.[0]?.Key, 'c');
  });

  it('url-encodes keys, prefix and delimiter when encoding-type=url is asked for', async () => {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'd e', Delimiter: '/', EncodingType: 'url' }));
    assert.deepEqual(page.CommonPrefixes?.map((p) => p.Prefix), ['d%20e/']);
    assert.equal(page.Prefix, 'd%20e');
    const all = await server.client.send(new ListObjectsV2Command({ Bucket: 'listing', EncodingType: 'url' }));
    assert.ok(all.Contents?.some((o) => o.Key === '%C3%A9/1'));
  });

  it('refuses a malformed continuation token and a bad max-keys', async () => {
    await expectS3Error(server.client.send(new ListObjectsV2Command({ Bucket: 'listing', ContinuationToken: '!!!' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: -1 })), 'InvalidArgument', 400);
  });
});
