/**
 * Contract cases for conditional writes (putObjectVersion's `expect`, deleteObjectVersion's
 * `expect`), tag persistence, and updateObjectMetadata's refusal to graft a stale record onto
 * a replaced 'null' version.
 */
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { StorageError } from '../ports.js';
import { assertStorageError, bucketRecord, deleteMarker, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'conditions';

export function conditionCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B)));

  it('writes with noLatest when the key has no version, and refuses when it has one', async () => {
    const { store } = current();
    await store.putObjectVersion(objectRecord(B, 'k', { etag: '"first"' }), { expect: { noLatest: true } });
    await assertStorageError(store.putObjectVersion(objectRecord(B, 'k', { etag: '"second"' }), { expect: { noLatest: true } }), 'PreconditionFailed');
    assert.equal((await store.getObjectVersion(B, 'k'))?.etag, '"first"');
  });

  it('treats a delete marker as no object for noLatest, and as a mismatch for latestEtag', async () => {
    const { store } = current();
    await store.putObjectVersion(objectRecord(B, 'k', { versionId: 'v1', etag: '"one"' }));
    await store.putObjectVersion(deleteMarker(B, 'k', 'v2'));
    await assertStorageError(store.putObjectVersion(objectRecord(B, 'k', { versionId: 'v3' }), { expect: { latestEtag: '"one"' } }), 'PreconditionFailed');
    await store.putObjectVersion(objectRecord(B, 'k', { versionId: 'v4', etag: '"four"' }), { expect: { noLatest: true } });
    assert.equal((await store.getObjectVersion(B, 'k'))?.versionId, 'v4');
  });

  it('writes with latestEtag only when the current ETag is exactly that one', async () => {
    const { store } = current();
    await assertStorageError(store.putObjectVersion(objectRecord(B, 'k'), { expect: { latestEtag: '"x"' } }), 'PreconditionFailed');
    await store.putObjectVersion(objectRecord(B, 'k', { etag: '"a"' }));
    await assertStorageError(store.putObjectVersion(objectRecord(B, 'k', { etag: '"b"' }), { expect: { latestEtag: '"other"' } }), 'PreconditionFailed');
    const { removed } = await store.putObjectVersion(objectRecord(B, 'k', { etag: '"b"' }), { expect: { latestEtag: '"a"' } });
    assert.deepEqual(removed.map((r) => r.etag), ['"a"']);
    assert.equal((await store.getObjectVersion(B, 'k'))?.etag, '"b"');
  });

  it('lets exactly one of 10 racing noLatest writes win', async () => {
    const { store } = current();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.putObjectVersion(objectRecord(B, 'race', { versionId: `v${i}`, etag: `"${i}"` }), { expect: { noLatest: true } })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.ok(lost.every((r) => r.reason instanceof StorageError && r.reason.code === 'PreconditionFailed'));
    const page = await store.listObjectVersions({ bucket: B, prefix: 'race', delimiter: '', keyMarker: '', versionIdMarker: '', limit: 100 });
    assert.equal(page.versions.length, 1);
  });

  it('deletes with latestEtag only when the current ETag matches, and keeps the version otherwise', async () => {
    const { store } = current();
    await store.putObjectVersion(objectRecord(B, 'k', { etag: '"a"' }));
    await assertStorageError(store.deleteObjectVersion(B, 'k', 'null', { expect: { latestEtag: '"b"' } }), 'PreconditionFailed');
    assert.equal((await store.getObjectVersion(B, 'k'))?.etag, '"a"');
    assert.equal((await store.deleteObjectVersion(B, 'k', 'null', { expect: { latestEtag: '"a"' } }))?.etag, '"a"');
    assert.equal(await store.getObjectVersion(B, 'k'), undefined);
  });

  it('round-trips object and bucket tags, and records without tags stay without the field', async () => {
    const { store } = current();
    const tags = [{ key: 'a', value: '' }, { key: 'ünï', value: 'välue' }];
    const tagged = objectRecord(B, 'tagged', { tags });
    await store.putObjectVersion(tagged);
    assert.deepEqual(await store.getObjectVersion(B, 'tagged'), tagged);
    await store.putObjectVersion(objectRecord(B, 'plain'));
    assert.equal('tags' in ((await store.getObjectVersion(B, 'plain')) ?? {}), false);
    await store.updateBucket({ ...bucketRecord(B), tags });
    assert.deepEqual((await store.getBucket(B))?.tags, tags);
    const reopened = await current().reopen();
    assert.deepEqual((await reopened.getObjectVersion(B, 'tagged'))?.tags, tags);
    assert.deepEqual((await reopened.getBucket(B))?.tags, tags);
  });

  it('refuses to update the metadata of a null version that was replaced since it was read', async () => {
    const { store } = current();
    await store.putObjectVersion(objectRecord(B, 'k', { etag: '"old"' }));
    const read = await store.getObjectVersion(B, 'k');
    assert.ok(read);
    await store.putObjectVersion(objectRecord(B, 'k', { etag: '"new"', lastModified: new Date('2025-01-01T00:00:00Z') }));
    await assertStorageError(store.updateObjectMetadata({ ...read, tags: [{ key: 'x', value: 'y' }] }), 'NotFound');
    const now = await store.getObjectVersion(B, 'k');
    assert.equal(now?.etag, '"new"');
    assert.equal(now?.tags, undefined);
  });
}
