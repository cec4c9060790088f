import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

describe('virtual-host-style addressing with COFFER_DOMAIN', () => {
  let server: TestServer;
  let virtual: S3Client;
  before(async () => {
    server = await startTestServer({ COFFER_DOMAIN: 's3.test' });
    const port = new URL(server.endpoint).port;
    // Every *.s3.test name resolves to loopback, so the SDK can address buckets by host name.
    const agent = new Agent({
      lookup: (_host, options, callback) =>
        (options as { all?: boolean }).all
          ? (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }])
          : (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4),
    });
    virtual = new S3Client({
      endpoint: `http://s3.test:${port}`,
      region: 'us-east-1',
      forcePathStyle: false,
      maxAttempts: 1,
      credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
      requestHandler: { httpAgent: agent },
    });
  });
  after(async () => {
    virtual.destroy();
    await server.stop();
  });

  it('creates, writes, lists and reads a bucket addressed as <bucket>.s3.test', async () => {
    await virtual.send(new CreateBucketCommand({ Bucket: 'vhost' }));
    await virtual.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'dir//file ..txt', Body: 'hello' }));
    const listed = await virtual.send(new ListObjectsV2Command({ Bucket: 'vhost' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['dir//file ..txt']);
    const got = await virtual.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir//file ..txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello');
  });

  it('sees the same bucket and object path-style', async () => {
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir//file ..txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello');
  });
});
