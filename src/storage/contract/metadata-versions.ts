import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { ObjectVersionRecord } from '../ports.js';
import { assertStorageError, bucketRecord, deleteMarker, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'versions';

export function versionCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B)));
  const put = (key: string, versionId: string, extra: Partial<ObjectVersionRecord> = {}) =>
    current().store.putObjectVersion(objectRecord(B, key, { versionId, ...extra }));
  const latestId = async (key: string) => (await current().store.getObjectVersion(B, key))?.versionId;

  it('round-trips inline bytes, blob references, empty data and every other field', async () => {
    const { store } = current();
    const records = [
      objectRecord(B, 'inline', { data: { kind: 'inline', bytes: Buffer.from([0, 1, 2, 255]) }, size: 4 }),
      objectRecord(B, 'blob', {
        data: { kind: 'blob', blobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' },
        size: 5 * 1024 * 1024,
        checksum: { algorithm: 'SHA256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', type: 'FULL_OBJECT' },
        partSizes: [5242880, 1],
        userMetadata: { color: 'blue', 'ünïcode': 'välue' },
        contentHeaders: { 'content-type': 'image/png', 'cache-control': 'no-cache' },
        storageClass: 'REDUCED_REDUNDANCY',
      }),
      objectRecord(B, 'empty', { data: { kind: 'none' }, size: 0 }),
    ];
    for (const record of records) {
      assert.deepEqual(await store.putObjectVersion(record), { removed: [] });
      assert.deepEqual(await store.getObjectVersion(B, record.key), record);
      assert.deepEqual(await store.getObjectVersion(B, record.key, 'null'), record);
    }
  });

  it('returns undefined for a missing key, a missing version and a missing bucket', async () => {
    await put('k', 'v1');
    assert.equal(await current().store.getObjectVersion(B, 'other'), undefined);
    assert.equal(await current().store.getObjectVersion(B, 'k', 'v2'), undefined);
    assert.equal(await current().store.getObjectVersion('no-such-bucket', 'k'), undefined);
  });

  it('makes the newest write the latest version and demotes the previous ones', async () => {
    for (const id of ['v3', 'v1', 'v2']) await put('k', id);
    assert.equal(await latestId('k'), 'v2');
    const flags = await Promise.all(['v1', 'v2', 'v3'].map(async (id) => (await current().store.getObjectVersion(B, 'k', id))?.isLatest));
    assert.deepEqual(flags, [false, true, false]);
  });

  it('replaces the null version when a null version is written again, and returns the old one', async () => {
    await put('k', 'null', { etag: '"old"' });
    await put('k', 'v1');
    const { removed } = await put('k', 'null', { etag: '"new"' });
    assert.deepEqual(removed.map((r) => [r.versionId, r.etag, r.isLatest]), [['null', '"old"', false]]);
    assert.equal((await current().store.getObjectVersion(B, 'k'))?.etag, '"new"');
    assert.equal((await current().store.getObjectVersion(B, 'k', 'v1'))?.isLatest, false);
  });

  it('keeps the null version when a real version is written on top of it', async () => {
    await put('k', 'null');
    assert.deepEqual(await put('k', 'v1'), { removed: [] });
    assert.equal(await latestId('k'), 'v1');
    assert.equal((await current().store.getObjectVersion(B, 'k', 'null'))?.isLatest, false);
  });

  it('promotes the next newest version by write order when the latest is deleted', async () => {
    // Version ids deliberately sort opposite to write order.
    for (const id of ['c', 'b', 'a']) await put('k', id);
    const removed = await current().store.deleteObjectVersion(B, 'k', 'a');
    assert.equal(removed?.versionId, 'a');
    assert.equal(removed?.isLatest, true);
    assert.equal(await latestId('k'), 'b');
    await current().store.deleteObjectVersion(B, 'k', 'b');
    assert.equal(await latestId('k'), 'c');
    await current().store.deleteObjectVersion(B, 'k', 'c');
    assert.equal(await latestId('k'), undefined);
  });

  it('leaves the latest version alone when an older version is deleted', async () => {
    for (const id of ['v1', 'v2', 'v3']) await put('k', id);
    assert.equal((await current().store.deleteObjectVersion(B, 'k', 'v2'))?.isLatest, false);
    assert.equal(await latestId('k'), 'v3');
    assert.equal(await current().store.getObjectVersion(B, 'k', 'v2'), undefined);
  });

  it('updates the metadata of one version without touching its data or latest flag', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('b'));
    const original = objectRecord('b', 'k', { versionId: 'v1', data: { kind: 'inline', bytes: Buffer.from('abc') } });
    await store.putObjectVersion(original);
    await store.putObjectVersion(objectRecord('b', 'k', { versionId: 'v2' }));
    await store.updateObjectMetadata({ ...original, userMetadata: { changed: 'yes' }, isLatest: true });
    const read = await store.getObjectVersion('b', 'k', 'v1');
    assert.deepEqual(read?.userMetadata, { changed: 'yes' });
    assert.equal(read?.isLatest, false);
    assert.deepEqual(read?.data, { kind: 'inline', bytes: Buffer.from('abc') });
    assert.equal((await store.getObjectVersion('b', 'k'))?.versionId, 'v2');
    await assertStorageError(store.updateObjectMetadata(objectRecord('b', 'k', { versionId: 'nope' })), 'NotFound');
  });

  it('returns undefined when deleting a version that does not exist', async () => {
    await put('k', 'v1');
    assert.equal(await current().store.deleteObjectVersion(B, 'k', 'nope'), undefined);
    assert.equal(await current().store.deleteObjectVersion(B, 'nope', 'null'), undefined);
    assert.equal(await latestId('k'), 'v1');
  });

  it('returns a delete marker as the latest version and promotes past it when it is removed', async () => {
    await put('k', 'v1');
    await current().store.putObjectVersion(deleteMarker(B, 'k', 'dm'));
    const latest = await current().store.getObjectVersion(B, 'k');
    assert.equal(latest?.isDeleteMarker, true);
    assert.deepEqual(latest?.data, { kind: 'none' });
    await current().store.deleteObjectVersion(B, 'k', 'dm');
    assert.equal(await latestId('k'), 'v1');
  });

  it('never shows a concurrent reader a key without its latest version while versions are written', async () => {
    await put('k', 'v0');
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 30; i++) await put('k', i % 2 === 0 ? 'null' : `v${i}`);
      writing = false;
    })();
    let reads = 0;
    // Reads at every turn of the event loop, so they interleave with the writes. (A write may
    // wait for I/O — the SQLite store's WAL fdatasync runs on the thread pool — so the reader must
    // let the event loop run; yielding only microtasks would starve the writer forever.)
    while (writing) {
      const record = await current().store.getObjectVersion(B, 'k');
      assert.equal(record?.isLatest, true, 'a reader saw no latest version');
      reads++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await writer;
    assert.ok(reads > 30);
  });

  it('rejects a version for a bucket that does not exist', async () => {
    await assertStorageError(current().store.putObjectVersion(objectRecord('no-such-bucket', 'k')), 'NotFound');
  });

  it('rejects a second version with the same non-null version id and keeps the first', async () => {
    await put('k', 'v1', { etag: '"first"' });
    await assertStorageError(put('k', 'v1', { etag: '"second"' }), 'AlreadyExists');
    const latest = await current().store.getObjectVersion(B, 'k');
    assert.equal(latest?.etag, '"first"');
    assert.equal(latest?.isLatest, true);
  });

  it('tells which blob ids are referenced, in batches of any size', async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => `BLOB${String(i).padStart(22, '0')}`);
    for (const i of [0, 499, 500, 1199]) {
      await put(`k${i}`, 'null', { data: { kind: 'blob', blobId: ids[i] ?? '' } });
    }
    await put('k499', 'v2', { data: { kind: 'blob', blobId: 'OTHER' } });
    const found = await current().store.referencedBlobIds(ids);
    assert.deepEqual([...found].sort(), [ids[0], ids[499], ids[500], ids[1199]].sort());
    await current().store.deleteObjectVersion(B, 'k0', 'null');
    assert.equal((await current().store.referencedBlobIds([ids[0] ?? ''])).size, 0);
    assert.equal((await current().store.referencedBlobIds([])).size, 0);
  });

  it('refuses to read an object record written in an unknown format version', async (t) => {
    const harness = current();
    if (!harness.setStoredFormatVersion) return t.skip('the harness cannot rewrite stored records');
    await put('k', 'v1');
    await harness.setStoredFormatVersion({ bucket: B, key: 'k' }, 99);
    await assertStorageError(harness.store.getObjectVersion(B, 'k'), 'Corrupt');
    await assertStorageError(harness.store.listObjects({ bucket: B, prefix: '', after: '', delimiter: '', limit: 10 }), 'Corrupt');
  });
}
