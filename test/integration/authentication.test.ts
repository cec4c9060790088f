import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { amzDate, errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

describe('SigV4 authentication', () => {
  let server: TestServer;
  let host: string;
  before(async () => {
    server = await startTestServer();
    host = new URL(server.endpoint).host;
    await server.client.send(new CreateBucketCommand({ Bucket: 'auth' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'auth', Key: 'secret.txt', Body: 'top secret' }));
  });
  after(() => server.stop());

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    await expectS3Error(server.clientFor(ROOT_ACCESS_KEY, 'wrong-secret-wrong-secret').send(new ListBucketsCommand({})), 'SignatureDoesNotMatch', 403);
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    await expectS3Error(server.clientFor('AKIAUNKNOWN000000000', ROOT_SECRET_KEY).send(new ListBucketsCommand({})), 'InvalidAccessKeyId', 403);
  });

  it('denies anonymous reads of objects and listings', async () => {
    for (const path of ['/auth/secret.txt', '/auth', '/']) {
      const res = await sendRaw(server.endpoint, { method: 'GET', path, headers: {} });
      assert.equal(res.status, 403, path);
      assert.equal(errorCode(res.body), 'AccessDenied');
      assert.ok(!res.body.toString().includes('top secret'));
    }
  });

  it('answers anonymous requests for missing buckets and keys with 403, never 404', async () => {
    for (const path of ['/auth/missing-key', '/no-such-bucket/x']) {
      const res = await sendRaw(server.endpoint, { method: 'GET', path, headers: {} });
      assert.equal(res.status, 403, path);
    }
  });

  it('serves a presigned GET and accepts a presigned PUT', async () => {
    const getUrl = await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'auth', Key: 'secret.txt' }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'top secret');
    const putUrl = await getSignedUrl(server.client, new PutObjectCommand({ Bucket: 'auth', Key: 'uploaded by url' }), { expiresIn: 60 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned url' });
    assert.equal(put.status, 200);
    const back = await server.client.send(new GetObjectCommand({ Bucket: 'auth', Key: 'uploaded by url' }));
    assert.equal(await back.Body!.transformToString(), 'via presigned url');
  });

  it('refuses a presigned URL whose signature was tampered with', async () => {
    const url = new URL(await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'auth', Key: 'secret.txt' }), { expiresIn: 60 }));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', signature.replace(/^./, signature[0] === 'a' ? 'b' : 'a'));
    const res = await fetch(url);
    assert.equal(res.status, 403);
    assert.equal(errorCode(Buffer.from(await res.text())), 'SignatureDoesNotMatch');
  });

  it('refuses a presigned URL that points at another key than it was signed for', async () => {
    const url = new URL(await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'auth', Key: 'public.txt' }), { expiresIn: 60 }));
    url.pathname = '/auth/secret.txt';
    const res = await fetch(url);
    assert.equal(res.status, 403);
  });

  it('refuses an expired presigned URL with AccessDenied', async () => {
    const url = await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'auth', Key: 'secret.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 3_600_000),
    });
    const res = await fetch(url);
    assert.equal(res.status, 403);
    assert.equal(errorCode(Buffer.from(await res.text())), 'AccessDenied');
  });

  it('refuses a request signed more than 15 minutes away from the server clock', async () => {
    const signed = signRequest({
      method: 'GET', host, path: '/', headers: {}, payloadHash: sha256Hex(''),
      accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY, now: new Date(Date.now() - 20 * 60_000),
    });
    const res = await sendRaw(server.endpoint, { method: 'GET', path: '/', headers: signed.headers });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'RequestTimeTooSkewed');
  });

  it('answers Signature Version 2 with a clear InvalidRequest', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: '/', headers: { authorization: `AWS ${ROOT_ACCESS_KEY}:c2lnbmF0dXJl`, date: new Date().toUTCString() } });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'InvalidRequest');
    assert.match(res.body.toString(), /AWS4-HMAC-SHA256/);
  });

  it('refuses a signed request whose signed payload hash does not match the body, storing nothing', async () => {
    const body = Buffer.from('the real body');
    const signed = signRequest({
      method: 'PUT', host, path: '/auth/hash-mismatch', headers: { 'content-length': String(body.length) },
      payloadHash: sha256Hex('another body'), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
    });
    const res = await sendRaw(server.endpoint, { method: 'PUT', path: '/auth/hash-mismatch', headers: signed.headers, body });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'XAmzContentSHA256Mismatch');
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'auth', Key: 'hash-mismatch' })), 'NoSuchKey', 404);
  });

  it('never echoes the secret or a stack trace in an error body', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: '/auth/x', headers: { authorization: 'AWS4-HMAC-SHA256 garbage', 'x-amz-date': amzDate() } });
    const text = res.body.toString();
    assert.ok(!text.includes(ROOT_SECRET_KEY));
    assert.ok(!/at .*\.ts:\d+/.test(text));
    assert.equal(res.status, 400);
  });
});
