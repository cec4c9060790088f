import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketPolicyCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand, GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorCode } from '../helpers/raw-request.js';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

type Statement = Record<string, unknown>;
const policy = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('bucket policies through AWS SDK v3', () => {
  let server: TestServer;
  const put = (Bucket: string, text: string) => server.client.send(new PutBucketPolicyCommand({ Bucket, Policy: text }));
  const anonymous = (path: string, init: RequestInit = {}) => fetch(`${server.endpoint}${path}`, init);
  const body = async (res: Response) => Buffer.from(await res.arrayBuffer());

  before(async () => {
    server = await startTestServer();
    for (const Bucket of ['crud', 'pub', 'listable', 'locked', 'tls', 'multi', 'versions']) await server.client.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => server.stop());

  it('stores, returns and deletes a bucket policy, answering NoSuchBucketPolicy when there is none', async () => {
    await expectS3Error(server.client.send(new GetBucketPolicyCommand({ Bucket: 'crud' })), 'NoSuchBucketPolicy', 404);
    await expectS3Error(server.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'crud' })), 'NoSuchBucketPolicy', 404);
    const text = policy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::crud/*' });
    const written = await put('crud', text);
    assert.equal(written.$metadata.httpStatusCode, 204);
    assert.equal((await server.client.send(new GetBucketPolicyCommand({ Bucket: 'crud' }))).Policy, text);
    assert.equal((await server.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'crud' }))).PolicyStatus?.IsPublic, true);
    const removed = await server.client.send(new DeleteBucketPolicyCommand({ Bucket: 'crud' }));
    assert.equal(removed.$metadata.httpStatusCode, 204);
    await expectS3Error(server.client.send(new GetBucketPolicyCommand({ Bucket: 'crud' })), 'NoSuchBucketPolicy', 404);
    await expectS3Error(put('no-such-bucket-here', text), 'NoSuchBucket', 404);
  });

  it('reports a policy as not public when every Allow to "*" is bounded by a narrow aws:SourceIp', async () => {
    const bounded = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::crud/*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } };
    await put('crud', policy(bounded));
    assert.equal((await server.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'crud' }))).PolicyStatus?.IsPublic, false);
    await put('crud', policy({ ...bounded, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } } }));
    assert.equal((await server.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'crud' }))).PolicyStatus?.IsPublic, true);
    await put('crud', policy({ ...bounded, Principal: { AWS: 'arn:aws:iam::000000000000:user/app1' }, Condition: undefined }));
    assert.equal((await server.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'crud' }))).PolicyStatus?.IsPublic, false);
    await server.client.send(new DeleteBucketPolicyCommand({ Bucket: 'crud' }));
  });

  it('refuses invalid policies with MalformedPolicy and a message naming what is wrong', async () => {
    const good = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::crud/*' };
    const cases: Array<[string, string, RegExp]> = [
      ['bad JSON', '{"Version": "2012-10-17", "Statement": [', /./],
      ['a resource outside the bucket', policy({ ...good, Resource: 'arn:aws:s3:::other/*' }), /Statement\[0\]/],
      ['a statement without Principal', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::crud/*' }), /Statement\[0\]/],
      ['an unknown action', policy(good, { ...good, Action: 's3:GetObjekt' }), /Statement\[1\]/],
      ['an empty body', '', /./],
    ];
    for (const [what, text, message] of cases) {
      try {
        await put('crud', text);
        assert.fail(`accepted ${what}`);
      } catch (error) {
        const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        assert.equal(e.name, 'MalformedPolicy', what);
        assert.equal(e.$metadata?.httpStatusCode, 400, what);
        assert.match(e.message ?? '', message, what);
      }
    }
    const big = policy(...Array.from({ length: 200 }, (_, i) => ({ ...good, Sid: `S${i}`, Resource: `arn:aws:s3:::crud/${'x'.repeat(60)}${i}/*` })));
    assert.ok(Buffer.byteLength(big) > 20 * 1024);
    await expectS3Error(put('crud', big), 'MalformedPolicy', 400);
    await expectS3Error(server.client.send(new GetBucketPolicyCommand({ Bucket: 'crud' })), 'NoSuchBucketPolicy', 404);
  });

  it('lets anonymous callers GET, PUT and list exactly what the bucket policy grants to "*"', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: 'pub', Key: 'pub/hello.txt', Body: 'hello' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'pub', Key: 'private/secret.txt', Body: 'secret' }));
    await put('pub', policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/pub/*' },
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::pub/uploads/*' },
      { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pub', Condition: { StringLike: { 's3:prefix': 'pub/*' } } },
    ));
    const hello = await anonymous('/pub/pub/hello.txt');
    assert.equal(hello.status, 200);
    assert.equal(await hello.text(), 'hello');
    const secret = await anonymous('/pub/private/secret.txt');
    assert.equal(secret.status, 403);
    assert.doesNotMatch(await secret.text(), /secret<|^secret$/);
    const upload = await anonymous('/pub/uploads/from-anon.txt', { method: 'PUT', body: 'anon data' });
    assert.equal(upload.status, 200);
    const stored = await server.client.send(new GetObjectCommand({ Bucket: 'pub', Key: 'uploads/from-anon.txt' }));
    assert.equal(await stored.Body?.transformToString(), 'anon data');
    assert.equal((await anonymous('/pub/pub/overwrite.txt', { method: 'PUT', body: 'x' })).status, 403);
    const listed = await anonymous('/pub?list-type=2&prefix=pub/');
    assert.equal(listed.status, 200);
    assert.match(await listed.text(), /<Key>pub\/hello.txt<\/Key>/);
    assert.equal((await anonymous('/pub?list-type=2&prefix=private/')).status, 403);
    assert.equal((await anonymous('/pub?list-type=2')).status, 403);
    assert.equal(errorCode(await body(await anonymous('/pub?list-type=2'))), 'AccessDenied');
    assert.equal((await anonymous('/pub/pub/hello.txt', { method: 'DELETE' })).status, 403);
  });

  it('answers an anonymous read of a missing key 403 without s3:ListBucket and 404 with it', async () => {
    // "pub" grants ListBucket only with an s3:prefix condition: a missing key stays hidden.
    assert.equal((await anonymous('/pub/pub/missing.txt')).status, 403);
    assert.equal((await anonymous('/pub/pub/missing.txt', { method: 'HEAD' })).status, 403);
    await put('listable', policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::listable/*' },
      { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::listable' },
    ));
    const missing = await anonymous('/listable/missing.txt');
    assert.equal(missing.status, 404);
    assert.equal(errorCode(await body(missing)), 'NoSuchKey');
    assert.equal((await anonymous('/listable/missing.txt', { method: 'HEAD' })).status, 404);
    // root may list: the ordinary 404
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'pub', Key: 'pub/missing.txt' })), 'NoSuchKey', 404);
    // a bucket without a policy stays closed to anonymous callers, existing or not
    assert.equal((await anonymous('/crud/anything')).status, 403);
    assert.equal((await anonymous('/no-such-bucket/anything')).status, 403);
  });

  it('refuses an unsigned request that carries a security token or a streaming payload', async () => {
    const token = await anonymous('/pub/pub/hello.txt', { headers: { 'x-amz-security-token': 'forged' } });
    assert.equal(token.status, 400);
    assert.equal(errorCode(await body(token)), 'InvalidToken');
    assert.equal((await anonymous('/pub/pub/hello.txt?X-Amz-Security-Token=forged')).status, 400);
    const streaming = await anonymous('/pub/uploads/chunked', {
      method: 'PUT', body: '5;chunk-signature=00\r\nhello\r\n', headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '5' },
    });
    assert.equal(streaming.status, 400);
  });

  it('lets a bucket-policy Deny beat root for data, while root can still read and delete the policy', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: 'locked', Key: 'doc.txt', Body: 'doc' }));
    await put('locked', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::locked', 'arn:aws:s3:::locked/*'] }));
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'locked', Key: 'doc.txt' })), 'AccessDenied', 403);
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'locked', Key: 'new.txt', Body: 'x' })), 'AccessDenied', 403);
    assert.match((await server.client.send(new GetBucketPolicyCommand({ Bucket: 'locked' }))).Policy ?? '', /"Deny"/);
    await server.client.send(new DeleteBucketPolicyCommand({ Bucket: 'locked' }));
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'locked', Key: 'doc.txt' }));
    assert.equal(await got.Body?.transformToString(), 'doc');
  });

  it('sees aws:SecureTransport false on plain HTTP, so "deny unless TLS" blocks root', async () => {
    await put('tls', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::tls', 'arn:aws:s3:::tls/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'tls', Key: 'x', Body: 'x' })), 'AccessDenied', 403);
    assert.equal((await anonymous('/tls/x', { headers: { 'x-forwarded-proto': 'https' } })).status, 403);
    await server.client.send(new DeleteBucketPolicyCommand({ Bucket: 'tls' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'tls', Key: 'x', Body: 'x' }));
  });

  it('authorizes DeleteObjects per key, reporting denied keys as AccessDenied entries', async () => {
    for (const Key of ['keep/a', 'tmp/b', 'tmp/c']) await server.client.send(new PutObjectCommand({ Bucket: 'multi', Key, Body: Key }));
    await put('multi', policy({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::multi/keep/*' }));
    const result = await server.client.send(new DeleteObjectsCommand({ Bucket: 'multi', Delete: { Objects: [{ Key: 'keep/a' }, { Key: 'tmp/b' }, { Key: 'tmp/c' }] } }));
    assert.deepEqual(result.Deleted?.map((d) => d.Key).sort(), ['tmp/b', 'tmp/c']);
    assert.deepEqual(result.Errors?.map((e) => [e.Key, e.Code]), [['keep/a', 'AccessDenied']]);
    const kept = await server.client.send(new GetObjectCommand({ Bucket: 'multi', Key: 'keep/a' }));
    assert.equal(await kept.Body?.transformToString(), 'keep/a');
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: 'multi', Key: 'keep/a' })), 'AccessDenied', 403);
  });

  it('refuses an anonymous DeleteObjects on a bucket without a policy before reading its body', async () => {
    const res = await anonymous('/crud?delete', {
      method: 'POST', body: '<Delete><Object><Key>x</Key></Object></Delete>', headers: { 'content-md5': 'xLU0lFpp/OfgiWe4xfjaxw==' },
    });
    assert.equal(res.status, 403);
  });

  it('requires the …Version actions for reads and deletes of a named version', async () => {
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = (await server.client.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'one' }))).VersionId as string;
    await server.client.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'two' }));
    await put('versions', policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::versions/*' },
      { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObjectVersion', Resource: 'arn:aws:s3:::versions/*' },
    ));
    assert.equal(await (await anonymous('/versions/doc')).text(), 'two');
    assert.equal((await anonymous(`/versions/doc?versionId=${v1}`)).status, 403);
    assert.equal((await anonymous(`/versions/doc?versionId=${v1}`, { method: 'HEAD' })).status, 403);
    await expectS3Error(server.client.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: v1 })), 'AccessDenied', 403);
    const old = await server.client.send(new GetObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: v1 }));
    assert.equal(await old.Body?.transformToString(), 'one');
    const marker = await server.client.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'doc' }));
    assert.equal(marker.DeleteMarker, true);
    const head = server.client.send(new HeadObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: v1 }));
    assert.equal((await head).$metadata.httpStatusCode, 200);
    // anonymous and unlisted: a key whose current version is a delete marker is hidden as 403
    assert.equal((await anonymous('/versions/doc')).status, 403);
  });
});

describe('aws:SourceIp in bucket policies', () => {
  const onlyFrom = (bucket: string) =>
    policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
  const denyFrom = (bucket: string) =>
    policy({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } });

  it('uses the TCP peer and ignores a forged X-Forwarded-For from an untrusted peer', async () => {
    const server = await startTestServer();
    try {
      await server.client.send(new CreateBucketCommand({ Bucket: 'ip-policy' }));
      await server.client.send(new PutObjectCommand({ Bucket: 'ip-policy', Key: 'x', Body: 'x' }));
      await server.client.send(new PutBucketPolicyCommand({ Bucket: 'ip-policy', Policy: onlyFrom('ip-policy') }));
      const forged = await fetch(`${server.endpoint}/ip-policy/x`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
      assert.equal(forged.status, 403);
      await server.client.send(new PutBucketPolicyCommand({ Bucket: 'ip-policy', Policy: denyFrom('ip-policy') }));
      await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'ip-policy', Key: 'y', Body: 'y' })), 'AccessDenied', 403);
    } finally {
      await server.stop();
    }
  });

  it('believes X-Forwarded-For from a trusted proxy, taking the right-most untrusted hop', async () => {
    const server = await startTestServer({ COFFER_TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' });
    try {
      await server.client.send(new CreateBucketCommand({ Bucket: 'ip-policy' }));
      await server.client.send(new PutObjectCommand({ Bucket: 'ip-policy', Key: 'x', Body: 'x' }));
      await server.client.send(new PutBucketPolicyCommand({ Bucket: 'ip-policy', Policy: onlyFrom('ip-policy') }));
      const get = (xff: string) => fetch(`${server.endpoint}/ip-policy/x`, { headers: { 'x-forwarded-for': xff } });
      assert.equal((await get('203.0.113.5')).status, 200);
      assert.equal((await get('203.0.113.5, 10.1.1.1')).status, 200);
      assert.equal((await get('203.0.113.5, 198.51.100.1')).status, 403);
      assert.equal((await fetch(`${server.endpoint}/ip-policy/x`)).status, 403);
    } finally {
      await server.stop();
    }
  });
});
