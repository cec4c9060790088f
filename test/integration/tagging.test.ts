import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketTaggingCommand, DeleteObjectCommand, DeleteObjectTaggingCommand, GetBucketTaggingCommand,
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const B = 'tagging';
const tagSet = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

describe('object and bucket tagging through AWS SDK v3', () => {
  let server: TestServer;
  const send = (path: string, query: string, method: string, body: string) => {
    const url = new URL(server.endpoint);
    const payload = Buffer.from(body);
    const signed = signRequest({
      method, host: url.host, path, query, headers: { 'content-length': String(payload.length) },
      payloadHash: sha256Hex(payload), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
    });
    return sendRaw(server.endpoint, { method, path: `${path}?${query}`, headers: signed.headers, body: payload });
  };
  const tagsOf = async (Key: string, VersionId?: string) =>
    (await server.client.send(new GetObjectTaggingCommand({ Bucket: B, Key, VersionId }))).TagSet?.map((t) => [t.Key, t.Value]);

  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => server.stop());

  it('stores x-amz-tagging on PutObject, sorted by key, with a key without "=" holding the empty value', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'hdr', Body: 'x', Tagging: 'zeta=last&alpha=first%20one&bare&plus=a+b' }));
    assert.deepEqual(await tagsOf('hdr'), [['alpha', 'first one'], ['bare', ''], ['plus', 'a b'], ['zeta', 'last']]);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'hdr' }));
    assert.equal(head.$metadata.httpStatusCode, 200);
    const got = await server.client.send(new GetObjectCommand({ Bucket: B, Key: 'hdr' }));
    assert.equal(got.TagCount, 4);
    await got.Body?.transformToByteArray();
  });

  it('answers an untagged object with an empty TagSet and no x-amz-tagging-count', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'x' }));
    assert.deepEqual(await tagsOf('plain'), []);
    const got = await server.client.send(new GetObjectCommand({ Bucket: B, Key: 'plain' }));
    assert.equal(got.TagCount, undefined);
    await got.Body?.transformToByteArray();
  });

  it('replaces and deletes the tag set with Put/DeleteObjectTagging', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'rw', Body: 'x', Tagging: 'a=1' }));
    await server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'rw', Tagging: { TagSet: [{ Key: 'b', Value: 'ü 2' }, { Key: 'a', Value: '' }] } }));
    assert.deepEqual(await tagsOf('rw'), [['a', ''], ['b', 'ü 2']]);
    await server.client.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 'rw' }));
    assert.deepEqual(await tagsOf('rw'), []);
    await server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'rw', Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } }));
    await server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'rw', Tagging: { TagSet: [] } }));
    assert.deepEqual(await tagsOf('rw'), []);
  });

  it('accepts 10 tags of 128 and 256 characters, and refuses 11 with BadRequest, storing nothing', async () => {
    const max = Array.from({ length: 10 }, (_, i) => ({ Key: `${i}`.padEnd(128, 'k'), Value: 'v'.repeat(256) }));
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'limits', Body: 'x' }));
    await server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'limits', Tagging: { TagSet: max } }));
    assert.equal((await tagsOf('limits'))?.length, 10);
    await expectS3Error(server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'limits', Tagging: { TagSet: tagSet(11) } })), 'BadRequest', 400);
    assert.equal((await tagsOf('limits'))?.length, 10);
    const header = tagSet(11).map((t) => `${t.Key}=${t.Value}`).join('&');
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'eleven', Body: 'x', Tagging: header })), 'BadRequest', 400);
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'eleven' })), 'NotFound', 404);
  });

  const invalid: Array<[string, Array<{ Key: string; Value: string }>]> = [
    ['a 129-character key', [{ Key: 'k'.repeat(129), Value: 'v' }]],
    ['a 257-character value', [{ Key: 'k', Value: 'v'.repeat(257) }]],
    ['an empty key', [{ Key: '', Value: 'v' }]],
    ['duplicate keys', [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }]],
    ['an aws: key', [{ Key: 'aws:cloudformation', Value: 'v' }]],
    ['a key with a forbidden character', [{ Key: 'a<b', Value: 'v' }]],
    ['a value with a forbidden character', [{ Key: 'k', Value: 'semi;colon' }]],
  ];
  for (const [what, TagSet] of invalid) {
    it(`refuses ${what} with InvalidTag and keeps the previous tags`, async () => {
      await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'bad', Body: 'x', Tagging: 'keep=me' }));
      await expectS3Error(server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'bad', Tagging: { TagSet } })), 'InvalidTag', 400);
      assert.deepEqual(await tagsOf('bad'), [['keep', 'me']]);
    });
  }

  it('refuses a malformed x-amz-tagging header with InvalidArgument', async () => {
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'h1', Body: 'x', Tagging: 'a=b=c' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'h2', Body: 'x', Tagging: 'a=1&a=2' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'h3', Body: 'x', Tagging: 'a=%E0%A4%A' })), 'InvalidArgument', 400);
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: B, Key: 'h4', Body: 'x', Tagging: 'aws%3Ax=1' })), 'InvalidTag', 400);
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: B, Key: 'h1' })), 'NotFound', 404);
  });

  it('refuses malformed, DTD-carrying, wrongly shaped and oversized Tagging bodies', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'raw', Body: 'x', Tagging: 'keep=me' }));
    const bodies: Array<[string, string]> = [
      ['<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>', 'MalformedXML'],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Tagging><TagSet><Tag><Key>&e;</Key><Value>b</Value></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value>v</Value></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['<Tagging><Extra/><TagSet/></Tagging>', 'MalformedXML'],
      ['<Other><TagSet/></Other>', 'MalformedXML'],
      ['', 'MalformedXML'],
      [`<Tagging><TagSet><Tag><Key>a</Key><Value>${'v'.repeat(70 * 1024)}</Value></Tag></TagSet></Tagging>`, 'MaxMessageLengthExceeded'],
    ];
    for (const [body, code] of bodies) {
      const res = await send(`/${B}/raw`, 'tagging=', 'PUT', body);
      assert.equal(res.status, 400, body.slice(0, 60));
      assert.equal(errorCode(res.body), code, body.slice(0, 60));
    }
    assert.deepEqual(await tagsOf('raw'), [['keep', 'me']]);
  });

  it('tags a named version with ?versionId and answers 405 for a delete marker and 404 for a missing key', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'tagging-v' }));
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'tagging-v', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await server.client.send(new PutObjectCommand({ Bucket: 'tagging-v', Key: 'k', Body: '1', Tagging: 'gen=1' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'tagging-v', Key: 'k', Body: '2', Tagging: 'gen=2' }));
    const put = await server.client.send(new PutObjectTaggingCommand({ Bucket: 'tagging-v', Key: 'k', VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: 'gen', Value: 'one' }] } }));
    assert.equal(put.VersionId, v1.VersionId);
    const got = await server.client.send(new GetObjectTaggingCommand({ Bucket: 'tagging-v', Key: 'k', VersionId: v1.VersionId }));
    assert.equal(got.VersionId, v1.VersionId);
    assert.deepEqual(got.TagSet, [{ Key: 'gen', Value: 'one' }]);
    const latest = await server.client.send(new GetObjectTaggingCommand({ Bucket: 'tagging-v', Key: 'k' }));
    assert.deepEqual(latest.TagSet, [{ Key: 'gen', Value: '2' }]);
    const marker = await server.client.send(new DeleteObjectCommand({ Bucket: 'tagging-v', Key: 'k' }));
    await expectS3Error(server.client.send(new GetObjectTaggingCommand({ Bucket: 'tagging-v', Key: 'k', VersionId: marker.VersionId })), 'MethodNotAllowed', 405);
    await expectS3Error(server.client.send(new GetObjectTaggingCommand({ Bucket: 'tagging-v', Key: 'k' })), 'NoSuchKey', 404);
    await expectS3Error(server.client.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'missing', Tagging: { TagSet: [] } })), 'NoSuchKey', 404);
  });

  it('copies tags with the COPY tagging directive and replaces them with REPLACE', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'x', Tagging: 'from=source' }));
    await server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'copied', CopySource: `${B}/src` }));
    assert.deepEqual(await tagsOf('copied'), [['from', 'source']]);
    await server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'replaced', CopySource: `${B}/src`, TaggingDirective: 'REPLACE', Tagging: 'new=yes' }));
    assert.deepEqual(await tagsOf('replaced'), [['new', 'yes']]);
    await server.client.send(new CopyObjectCommand({ Bucket: B, Key: 'cleared', CopySource: `${B}/src`, TaggingDirective: 'REPLACE' }));
    assert.deepEqual(await tagsOf('cleared'), []);
  });

  it('sets, reads and deletes bucket tags, with NoSuchTagSet when there are none', async () => {
    await expectS3Error(server.client.send(new GetBucketTaggingCommand({ Bucket: B })), 'NoSuchTagSet', 404);
    await server.client.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: [{ Key: 'team', Value: 'storage' }, { Key: 'env', Value: 'test' }] } }));
    const got = await server.client.send(new GetBucketTaggingCommand({ Bucket: B }));
    assert.deepEqual(got.TagSet, [{ Key: 'env', Value: 'test' }, { Key: 'team', Value: 'storage' }]);
    await server.client.send(new DeleteBucketTaggingCommand({ Bucket: B }));
    await expectS3Error(server.client.send(new GetBucketTaggingCommand({ Bucket: B })), 'NoSuchTagSet', 404);
  });

  it('accepts 50 bucket tags and refuses 51 or a duplicate key, keeping the previous set', async () => {
    await server.client.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: tagSet(50) } }));
    await expectS3Error(server.client.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: tagSet(51) } })), 'BadRequest', 400);
    await expectS3Error(
      server.client.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: [{ Key: 'd', Value: '1' }, { Key: 'd', Value: '2' }] } })),
      'InvalidTag',
      400,
    );
    assert.equal((await server.client.send(new GetBucketTaggingCommand({ Bucket: B }))).TagSet?.length, 50);
    const res = await send(`/${B}`, 'tagging=', 'PUT', '<!DOCTYPE a><Tagging><TagSet/></Tagging>');
    assert.equal(errorCode(res.body), 'MalformedXML');
    assert.equal((await server.client.send(new GetBucketTaggingCommand({ Bucket: B }))).TagSet?.length, 50);
  });

  it('denies tagging operations to anonymous callers', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: `/${B}/hdr?tagging`, headers: {} });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
  });
});
