import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

const TRICKY_KEYS = [
  'plain.txt', 'with space.txt', 'ünïcødé/ファイル/😀.bin', 'percent%20literal%', 'plus+sign', 'double//slash', '../dot/../dot',
  './a/./b', 'trailing/', 'q?x=1&y#hash', 'k'.repeat(1024),
];

describe('object operations through AWS SDK v3', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });
  after(() => server.stop());

  for (const key of TRICKY_KEYS) {
    it('accepts Content-Encoding aws-chunked on a plain body and stores the encoding without it', async () => {
    for (const [sent, stored] of [['gzip', 'gzip'], ['deflate, gzip', 'deflate, gzip'], ['gzip, aws-chunked', 'gzip'], ['aws-chunked, gzip', 'gzip'], ['aws-chunked', undefined], ['aws-chunked, aws-chunked', undefined]] as const) {
      for (const body of ['', 'some bytes']) {
        await server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'encoding', Body: body, ContentEncoding: sent }));
        const head = await server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'encoding' }));
        assert.equal(head.ContentEncoding, stored, `${sent} (${body.length} bytes)`);
        assert.equal(head.ContentLength, body.length);
      }
    }
  });

  it(`PutObject, GetObject, HeadObject and DeleteObject round-trip the key ${JSON.stringify(key.slice(0, 30))}`, async () => {
      const body = Buffer.from(`content of ${key}`);
      const put = await server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: key, Body: body }));
      assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
      const got = await server.client.send(new GetObjectCommand({ Bucket: 'objects', Key: key }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
      const head = await server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: key }));
      assert.equal(head.ContentLength, body.length);
      const listed = await server.client.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: key }));
      assert.ok(listed.Contents?.some((o) => o.Key === key));
      await server.client.send(new DeleteObjectCommand({ Bucket: 'objects', Key: key }));
      await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: key })), 'NotFound', 404);
    });
  }

  it('refuses a key longer than 1024 bytes with KeyTooLongError', async () => {
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'é'.repeat(513), Body: 'x' })), 'KeyTooLongError', 400);
  });

  it('stores a 0-byte object', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'empty', Body: Buffer.alloc(0) }));
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'empty' }));
    assert.equal(got.ContentLength, 0);
    assert.equal((await got.Body!.transformToByteArray()).length, 0);
    assert.equal(got.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it('returns user metadata and standard content headers as stored', async () => {
    await server.client.send(new PutObjectCommand({
      Bucket: 'objects', Key: 'meta', Body: 'x', ContentType: 'text/plain', CacheControl: 'no-cache',
      ContentDisposition: 'attachment; filename="a.txt"', ContentLanguage: 'en', Metadata: { color: 'blue', 'two-words': 'a b' },
    }));
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'meta' }));
    assert.equal(head.ContentType, 'text/plain');
    assert.equal(head.CacheControl, 'no-cache');
    assert.equal(head.ContentDisposition, 'attachment; filename="a.txt"');
    assert.equal(head.ContentLanguage, 'en');
    assert.deepEqual(head.Metadata, { color: 'blue', 'two-words': 'a b' });
  });

  it('refuses user metadata above 2 KiB with MetadataTooLarge and stores nothing', async () => {
    await expectS3Error(
      server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'big-meta', Body: 'x', Metadata: { a: 'v'.repeat(2100) } })),
      'MetadataTooLarge',
      400,
    );
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'big-meta' })), 'NotFound', 404);
  });

  it('refuses a wrong Content-MD5 with BadDigest and keeps the previous version', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'md5', Body: 'original' }));
    await expectS3Error(
      server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'md5', Body: 'replacement', ContentMD5: createHash('md5').update('other').digest('base64') })),
      'BadDigest',
      400,
    );
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'md5' }));
    assert.equal(await got.Body!.transformToString(), 'original');
  });

  for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
    it(`verifies, stores and returns a ${algorithm} checksum`, async () => {
      const key = `checksum-${algorithm}`;
      await server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: key, Body: 'hello checksum', ChecksumAlgorithm: algorithm }));
      const head = await server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: key, ChecksumMode: 'ENABLED' }));
      const field = `Checksum${algorithm}` as 'ChecksumCRC32';
      assert.ok(head[field], `${field} returned`);
    });
  }

  it('refuses an upload whose declared checksum does not match with BadDigest, storing nothing', async () => {
    await expectS3Error(
      server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'bad-crc', Body: 'payload', ChecksumCRC32: 'AAAAAA==' })),
      'BadDigest',
      400,
    );
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'bad-crc' })), 'NotFound', 404);
  });

  it('streams a body of unknown length sent as aws-chunked with a trailing checksum', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const expected = Buffer.concat(chunks);
    await server.client.send(new PutObjectCommand({
      Bucket: 'objects', Key: 'streamed', Body: Readable.from(chunks), ContentLength: expected.length, ChecksumAlgorithm: 'CRC32',
    }));
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'streamed' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(expected));
  });

  it('refuses SSE headers it cannot honour yet instead of storing plaintext silently', async () => {
    await expectS3Error(
      server.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256' })),
      'NotImplemented',
      501,
    );
  });

  it('leaves no temp file behind after refused uploads', async () => {
    const temps = await readdir(join(server.dataDir, 'tmp')).catch(() => []);
    assert.deepEqual(temps, []);
  });

  it('answers NoSuchBucket for objects of a missing bucket', async () => {
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), 'NoSuchBucket', 404);
  });
});
