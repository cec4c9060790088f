import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetBucketLocationCommand, GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand, HeadBucketCommand,
  HeadObjectCommand, ListBucketsCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

describe('bucket operations through AWS SDK v3', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('CreateBucket creates a bucket that ListBuckets and HeadBucket then see', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'photos' }));
    const list = await server.client.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ['photos']);
    assert.ok(list.Owner?.ID);
    const head = await server.client.send(new HeadBucketCommand({ Bucket: 'photos' }));
    assert.equal(head.$metadata.httpStatusCode, 200);
    assert.equal(head.BucketRegion, 'us-east-1');
  });

  it('CreateBucket again by the owner succeeds in us-east-1, as AWS does, and keeps the objects', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'kept', Body: 'x' }));
    const again = await server.client.send(new CreateBucketCommand({ Bucket: 'photos' }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    await server.client.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'kept' }));
    await server.client.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'kept' }));
  });

  it('CreateBucket again by the owner answers BucketAlreadyOwnedByYou outside us-east-1', async () => {
    const other = await startTestServer({ COFFER_REGION: 'eu-central-1' });
    try {
      const client = other.clientFor(ROOT_ACCESS_KEY, ROOT_SECRET_KEY, 'eu-central-1');
      await client.send(new CreateBucketCommand({ Bucket: 'twice', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
      await expectS3Error(client.send(new CreateBucketCommand({ Bucket: 'twice', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } })), 'BucketAlreadyOwnedByYou', 409);
    } finally {
      await other.stop();
    }
  });

  for (const name of ['ab', 'UPPER', 'has_underscore', '-dash', 'dots..dots', '192.168.1.1', 'xn--punycode', 'a'.repeat(64)]) {
    it(`CreateBucket refuses the invalid name '${name.slice(0, 20)}'`, async () => {
      await expectS3Error(server.client.send(new CreateBucketCommand({ Bucket: name })), 'InvalidBucketName', 400);
    });
  }

  it('CreateBucket refuses the reserved name coffer', async () => {
    await expectS3Error(server.client.send(new CreateBucketCommand({ Bucket: 'coffer' })), 'InvalidBucketName', 400);
  });

  it('CreateBucket with Object Lock creates a versioned bucket whose lock is enabled', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
    const versioning = await server.client.send(new GetBucketVersioningCommand({ Bucket: 'locked' }));
    assert.equal(versioning.Status, 'Enabled');
    const lock = await server.client.send(new GetObjectLockConfigurationCommand({ Bucket: 'locked' }));
    assert.equal(lock.ObjectLockConfiguration?.ObjectLockEnabled, 'Enabled');
    assert.equal(lock.ObjectLockConfiguration?.Rule, undefined);
  });

  it('CreateBucket refuses a location constraint of another region', async () => {
    await expectS3Error(
      server.client.send(new CreateBucketCommand({ Bucket: 'elsewhere', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
      'IllegalLocationConstraintException',
      400,
    );
  });

  it('GetBucketLocation answers the us-east-1 empty constraint', async () => {
    const location = await server.client.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
    assert.equal(location.LocationConstraint ?? '', '');
  });

  it('HeadBucket of a missing bucket is 404', async () => {
    await expectS3Error(server.client.send(new HeadBucketCommand({ Bucket: 'missing-bucket' })), 'NotFound', 404);
  });

  it('DeleteBucket refuses a bucket that holds objects, then deletes it once empty', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'full' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'full', Key: 'k', Body: 'x' }));
    await expectS3Error(server.client.send(new DeleteBucketCommand({ Bucket: 'full' })), 'BucketNotEmpty', 409);
    await server.client.send(new DeleteObjectCommand({ Bucket: 'full', Key: 'k' }));
    const deleted = await server.client.send(new DeleteBucketCommand({ Bucket: 'full' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectS3Error(server.client.send(new DeleteBucketCommand({ Bucket: 'full' })), 'NoSuchBucket', 404);
  });
});
