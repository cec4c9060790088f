import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, paginateListBuckets,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const NAMES = ['alpha-1', 'alpha-2', 'alpha-3', 'beta-1', 'beta-2', 'gamma'];

describe('ListBuckets pagination and x-amz-expected-bucket-owner through AWS SDK v3', () => {
  let server: TestServer;
  const rawList = (query: string) => {
    const url = new URL(server.endpoint);
    const signed = signRequest({ method: 'GET', host: url.host, path: '/', query, headers: {}, payloadHash: sha256Hex(''), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY });
    return sendRaw(server.endpoint, { method: 'GET', path: `/?${query}`, headers: signed.headers });
  };
  before(async () => {
    server = await startTestServer();
    for (const Bucket of [...NAMES].reverse()) await server.client.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => server.stop());

  it('lists every bucket in name order with its region when no max-buckets is given', async () => {
    const out = await server.client.send(new ListBucketsCommand({}));
    assert.deepEqual(out.Buckets?.map((b) => b.Name), NAMES);
    assert.ok(out.Buckets?.every((b) => b.BucketRegion === 'us-east-1' && b.CreationDate instanceof Date));
    assert.equal(out.ContinuationToken, undefined);
    assert.ok(out.Owner?.ID);
  });

  it('pages with max-buckets and continuation-token until the token is gone', async () => {
    const first = await server.client.send(new ListBucketsCommand({ MaxBuckets: 4 }));
    assert.deepEqual(first.Buckets?.map((b) => b.Name), NAMES.slice(0, 4));
    assert.ok(first.ContinuationToken);
    const second = await server.client.send(new ListBucketsCommand({ MaxBuckets: 4, ContinuationToken: first.ContinuationToken }));
    assert.deepEqual(second.Buckets?.map((b) => b.Name), NAMES.slice(4));
    assert.equal(second.ContinuationToken, undefined);
    const seen: string[] = [];
    for await (const page of paginateListBuckets({ client: server.client, pageSize: 1 }, {})) seen.push(...(page.Buckets ?? []).map((b) => b.Name ?? ''));
    assert.deepEqual(seen, NAMES);
  });

  it('filters by prefix and echoes it, and pages within the prefix', async () => {
    const out = await server.client.send(new ListBucketsCommand({ Prefix: 'alpha', MaxBuckets: 2 }));
    assert.equal(out.Prefix, 'alpha');
    assert.deepEqual(out.Buckets?.map((b) => b.Name), ['alpha-1', 'alpha-2']);
    const rest = await server.client.send(new ListBucketsCommand({ Prefix: 'alpha', MaxBuckets: 2, ContinuationToken: out.ContinuationToken }));
    assert.deepEqual(rest.Buckets?.map((b) => b.Name), ['alpha-3']);
    assert.equal(rest.ContinuationToken, undefined);
    assert.deepEqual((await server.client.send(new ListBucketsCommand({ Prefix: 'zzz' }))).Buckets ?? [], []);
  });

  it('filters by bucket-region', async () => {
    assert.equal((await server.client.send(new ListBucketsCommand({ BucketRegion: 'us-east-1' }))).Buckets?.length, NAMES.length);
    assert.deepEqual((await server.client.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }))).Buckets ?? [], []);
  });

  it('refuses a bad max-buckets or a forged continuation token with InvalidArgument', async () => {
    for (const query of ['max-buckets=0', 'max-buckets=10001', 'max-buckets=abc', 'continuation-token=not-a-token', 'continuation-token=%2B%2B']) {
      const res = await rawList(query);
      assert.equal(res.status, 400, query);
      assert.equal(errorCode(res.body), 'InvalidArgument', query);
    }
  });

  it('accepts x-amz-expected-bucket-owner naming the owner by account id or canonical id', async () => {
    const owner = (await server.client.send(new ListBucketsCommand({}))).Owner?.ID as string;
    await server.client.send(new PutObjectCommand({ Bucket: 'gamma', Key: 'k', Body: 'x', ExpectedBucketOwner: '000000000000' }));
    await server.client.send(new HeadBucketCommand({ Bucket: 'gamma', ExpectedBucketOwner: owner }));
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'gamma', Key: 'k', ExpectedBucketOwner: owner }));
    assert.equal(await got.Body?.transformToString(), 'x');
  });

  it('answers 403 AccessDenied for another owner and writes nothing', async () => {
    await expectS3Error(server.client.send(new PutObjectCommand({ Bucket: 'gamma', Key: 'other', Body: 'x', ExpectedBucketOwner: '111122223333' })), 'AccessDenied', 403);
    await expectS3Error(server.client.send(new ListObjectsV2Command({ Bucket: 'gamma', ExpectedBucketOwner: 'f'.repeat(64) })), 'AccessDenied', 403);
    const listed = await server.client.send(new ListObjectsV2Command({ Bucket: 'gamma' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['k']);
  });

  it('answers a value that is no account id with InvalidBucketOwnerAWSAccountID, and a missing bucket with NoSuchBucket first', async () => {
    await expectS3Error(server.client.send(new ListObjectsV2Command({ Bucket: 'gamma', ExpectedBucketOwner: 'not-an-account' })), 'InvalidBucketOwnerAWSAccountID', 400);
    await expectS3Error(server.client.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-x', ExpectedBucketOwner: '111122223333' })), 'NoSuchBucket', 404);
  });
});
