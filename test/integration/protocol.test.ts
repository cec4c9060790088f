import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { errorCode, sendRaw, signedChunkedBody, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

describe('wire protocol: chunked uploads, limits, faults', () => {
  let server: TestServer;
  let host: string;
  before(async () => {
    server = await startTestServer();
    host = new URL(server.endpoint).host;
    await server.client.send(new CreateBucketCommand({ Bucket: 'wire' }));
  });
  after(() => server.stop());

  function chunkedPut(key: string, chunks: Buffer[], tamper?: (body: Buffer) => Buffer) {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const path = `/wire/${encodeURIComponent(key)}`;
    const draft = signRequest({
      method: 'PUT', host, path, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(total) },
    });
    let body = signedChunkedBody(chunks, draft);
    if (tamper) body = tamper(body);
    return sendRaw(server.endpoint, { method: 'PUT', path, headers: { ...draft.headers, 'content-length': String(body.length) }, body });
  }

  it('accepts a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload and verifies every chunk signature', async () => {
    const chunks = [Buffer.alloc(65536, 1), Buffer.alloc(65536, 2), Buffer.from('tail')];
    const res = await chunkedPut('signed-chunks', chunks);
    assert.equal(res.status, 200, res.body.toString());
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'signed-chunks' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks)));
  });

  it('refuses a chunked upload whose data was altered in flight, storing nothing', async () => {
    const res = await chunkedPut('tampered', [Buffer.alloc(65536, 1), Buffer.from('tail')], (body) => {
      const copy = Buffer.from(body);
      const at = copy.indexOf("\r\n") + 10;
      copy[at] = (copy[at] ?? 0) ^ 0xff;
      return copy;
    });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'tampered' })), 'NoSuchKey', 404);
  });

  it('refuses a chunked upload with broken framing', async () => {
    const res = await chunkedPut('bad-frame', [Buffer.from('hello')], (body) => Buffer.from(body.toString('latin1').replace(/^5;/, 'zz;'), 'latin1'));
    assert.equal(res.status, 400);
  });

  it('refuses headers larger than the limit with RequestHeaderSectionTooLarge', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: '/', headers: { 'x-padding': 'p'.repeat(20_000) } });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'RequestHeaderSectionTooLarge');
  });

  it('keeps nothing of an upload whose client disconnects mid-body', async () => {
    const body = Buffer.alloc(1024 * 1024, 3);
    const path = '/wire/disconnected';
    const signed = signRequest({
      method: 'PUT', host, path, payloadHash: 'UNSIGNED-PAYLOAD', accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
      headers: { 'content-length': String(body.length) },
    });
    const url = new URL(server.endpoint);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const head = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
        socket.write(`PUT ${path} HTTP/1.1\r\n${head}\r\n`);
        socket.write(body.subarray(0, 300_000), () => setTimeout(() => { socket.destroy(); resolve(); }, 50));
      });
      socket.on('error', () => resolve());
    });
    await sleep(200);
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'disconnected' })), 'NoSuchKey', 404);
    assert.deepEqual(await readdir(join(server.dataDir, 'tmp')), []);
  });

  it('answers Expect: 100-continue with 403 for an unauthorized upload without reading the body', async () => {
    const url = new URL(server.endpoint);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'PUT', path: '/wire/no-auth', headers: { expect: '100-continue', 'content-length': '1048576' } });
      req.on('continue', () => reject(new Error('server asked for the body of an unauthorized request')));
      req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(status, 403);
  });

  it('DeleteObjects deletes many keys, reports them, and honours quiet mode', async () => {
    for (let i = 0; i < 5; i++) await server.client.send(new PutObjectCommand({ Bucket: 'wire', Key: `del/${i}`, Body: 'x' }));
    const loud = await server.client.send(new DeleteObjectsCommand({ Bucket: 'wire', Delete: { Objects: [{ Key: 'del/0' }, { Key: 'del/1' }, { Key: 'never-existed' }] } }));
    assert.deepEqual(loud.Deleted?.map((d) => d.Key).sort(), ['del/0', 'del/1', 'never-existed']);
    const quiet = await server.client.send(new DeleteObjectsCommand({ Bucket: 'wire', Delete: { Quiet: true, Objects: [{ Key: 'del/2' }, { Key: 'del/3' }] } }));
    assert.equal(quiet.Deleted, undefined);
    const left = await server.client.send(new ListObjectsV2Command({ Bucket: 'wire', Prefix: 'del/' }));
    assert.deepEqual(left.Contents?.map((o) => o.Key), ['del/4']);
  });

  it('DeleteObjects refuses more than 1000 keys and malformed XML, deleting nothing', async () => {
    await expectS3Error(
      server.client.send(new DeleteObjectsCommand({ Bucket: 'wire', Delete: { Objects: Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` })) } })),
      'MalformedXML',
      400,
    );
    for (const xml of ['<Delete><Object><Key>del/4</Key></Object>', '<!DOCTYPE x [<!ENTITY e "del/4">]><Delete><Object><Key>&e;</Key></Object></Delete>']) {
      const body = Buffer.from(xml);
      const path = '/wire?delete';
      const signed = signRequest({
        method: 'POST', host, path: '/wire', query: 'delete=', payloadHash: createHash('sha256').update(body).digest('hex'),
        accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
        headers: { 'content-md5': createHash('md5').update(body).digest('base64'), 'content-length': String(body.length) },
      });
      const res = await sendRaw(server.endpoint, { method: 'POST', path, headers: signed.headers, body });
      assert.equal(errorCode(res.body), 'MalformedXML', res.body.toString());
    }
    const left = await server.client.send(new ListObjectsV2Command({ Bucket: 'wire', Prefix: 'del/' }));
    assert.deepEqual(left.Contents?.map((o) => o.Key), ['del/4']);
  });

  it('answers NotImplemented for S3 operations that are not built yet, never a wrong success', async () => {
    const { GetBucketLifecycleConfigurationCommand, GetBucketWebsiteCommand } = await import('@aws-sdk/client-s3');
    await expectS3Error(server.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'wire' })), 'NotImplemented', 501);
    await expectS3Error(server.client.send(new GetBucketWebsiteCommand({ Bucket: 'wire' })), 'NotImplemented', 501);
  });

  it('serves the health probes without authentication, on Coffer and MinIO paths', async () => {
    for (const path of ['/coffer/health/live', '/coffer/health/ready', '/minio/health/live', '/minio/health/ready']) {
      const res = await sendRaw(server.endpoint, { method: 'GET', path, headers: {} });
      assert.equal(res.status, 200, path);
    }
  });

  it('sets x-amz-request-id and x-amz-id-2 on every answer', async () => {
    const res = await sendRaw(server.endpoint, { method: 'GET', path: '/', headers: {} });
    assert.match(String(res.headers['x-amz-request-id']), /^[0-9A-F]{16}$/);
    assert.ok(res.headers['x-amz-id-2']);
    assert.match(res.body.toString(), /<RequestId>[0-9A-F]{16}<\/RequestId>/);
  });
});
