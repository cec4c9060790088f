import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertStorageError, bucketRecord, deleteMarker, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

export function bucketCases(current: () => MetadataStoreHarness): void {
  it('creates a bucket and returns every field of it', async () => {
    const { store } = current();
    const bucket = bucketRecord('photos', { versioning: 'Enabled', objectLockEnabled: true, region: 'eu-west-1' });
    await store.createBucket(bucket);
    assert.deepEqual(await store.getBucket('photos'), bucket);
  });

  it('refuses to create a bucket that exists and keeps the original', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('photos', { owner: 'first' }));
    await assertStorageError(store.createBucket(bucketRecord('photos', { owner: 'second' })), 'AlreadyExists');
    assert.equal((await store.getBucket('photos'))?.owner, 'first');
  });

  it('replaces a bucket record with updateBucket, and refuses a bucket that does not exist', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('photos'));
    const updated = { ...bucketRecord('photos'), versioning: 'Suspended' as const };
    await store.updateBucket(updated);
    assert.deepEqual(await store.getBucket('photos'), updated);
    await assertStorageError(store.updateBucket(bucketRecord('missing')), 'NotFound');
  });

  it('stores CORS rules with updateBucket and removes them again', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('photos'));
    const cors = [
      { id: 'r1', allowedOrigins: ['https://*.example'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 60 },
      { allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: [], exposeHeaders: [] },
    ];
    await store.updateBucket({ ...bucketRecord('photos'), cors });
    assert.deepEqual((await store.getBucket('photos'))?.cors, cors);
    await store.updateBucket(bucketRecord('photos'));
    assert.equal((await store.getBucket('photos'))?.cors, undefined);
  });

  it('returns undefined for a bucket that does not exist', async () => {
    assert.equal(await current().store.getBucket('missing'), undefined);
  });

  it('lists buckets in name order', async () => {
    const { store } = current();
    for (const name of ['b-2', 'a-1', 'c.3', 'a0']) await store.createBucket(bucketRecord(name));
    assert.deepEqual((await store.listBuckets()).map((b) => b.name), ['a-1', 'a0', 'b-2', 'c.3']);
  });

  it('deletes an empty bucket', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('temp'));
    await store.deleteBucket('temp');
    assert.equal(await store.getBucket('temp'), undefined);
    assert.deepEqual(await store.listBuckets(), []);
  });

  it('reports NotFound when deleting a bucket that does not exist', async () => {
    await assertStorageError(current().store.deleteBucket('missing'), 'NotFound');
  });

  it('refuses to delete a bucket that still holds an object version', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('full'));
    await store.putObjectVersion(objectRecord('full', 'k'));
    await assertStorageError(store.deleteBucket('full'), 'NotEmpty');
    assert.ok(await store.getBucket('full'));
  });

  it('refuses to delete a bucket whose only remaining row is a delete marker', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('markers'));
    await store.putObjectVersion(deleteMarker('markers', 'gone', 'v1'));
    await assertStorageError(store.deleteBucket('markers'), 'NotEmpty');
    await store.deleteObjectVersion('markers', 'gone', 'v1');
    await store.deleteBucket('markers');
  });

  it('keeps buckets and objects across a reopen', async () => {
    const harness = current();
    await harness.store.createBucket(bucketRecord('durable'));
    await harness.store.putObjectVersion(objectRecord('durable', 'k'));
    const reopened = await harness.reopen();
    assert.equal((await reopened.getBucket('durable'))?.name, 'durable');
    assert.equal((await reopened.getObjectVersion('durable', 'k'))?.key, 'k');
  });

  it('refuses to read a bucket record written in an unknown format version', async (t) => {
    const harness = current();
    if (!harness.setStoredFormatVersion) return t.skip('the harness cannot rewrite stored records');
    await harness.store.createBucket(bucketRecord('future'));
    await harness.setStoredFormatVersion({ bucket: 'future' }, 2);
    await assertStorageError(harness.store.getBucket('future'), 'Corrupt');
    await assertStorageError(harness.store.listBuckets(), 'Corrupt');
  });
}
