/**
 * Contract cases for Object Lock in the store (the second line of defence): a locked version is
 * never dropped or replaced, whatever a caller asks, its retention is only changed through
 * updateObjectLock under the lock rules, and tags updates never touch lock state. With a
 * harness that can run raw SQL, the dialect's triggers are checked too (the third line).
 */
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { ObjectRetention, ObjectVersionRecord } from '../ports.js';
import { assertStorageError, bucketRecord, deleteMarker, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'locked';
const FUTURE = new Date('2099-01-01T00:00:00.000Z');
const LATER = new Date('2099-06-01T00:00:00.000Z');
const PAST = new Date('2001-01-01T00:00:00.000Z');
const compliance = (retainUntil = FUTURE): ObjectRetention => ({ mode: 'COMPLIANCE', retainUntil });
const governance = (retainUntil = FUTURE): ObjectRetention => ({ mode: 'GOVERNANCE', retainUntil });

export function lockCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B, { versioning: 'Enabled', objectLockEnabled: true, objectLockDefault: { mode: 'GOVERNANCE', days: 3 } })));
  const put = (versionId: string, extra: Partial<ObjectVersionRecord> = {}) => current().store.putObjectVersion(objectRecord(B, 'k', { versionId, ...extra }));
  const exists = async (versionId: string) => (await current().store.getObjectVersion(B, 'k', versionId)) !== undefined;

  it('round-trips the bucket default rule and a version retention and legal hold', async () => {
    const { store } = current();
    assert.deepEqual((await store.getBucket(B))?.objectLockDefault, { mode: 'GOVERNANCE', days: 3 });
    const record = objectRecord(B, 'k', { versionId: 'v1', retention: compliance(), legalHold: 'ON' });
    await store.putObjectVersion(record);
    assert.deepEqual(await store.getObjectVersion(B, 'k', 'v1'), record);
    const listed = (await store.listObjectVersions({ bucket: B, prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', limit: 10 })).versions[0];
    assert.deepEqual([listed?.retention, listed?.legalHold], [compliance(), 'ON']);
  });

  it('refuses to delete a COMPLIANCE version or a legal-hold version, even with bypassGovernance', async () => {
    await put('v1', { retention: compliance() });
    await put('v2', { legalHold: 'ON' });
    await put('v3', { legalHold: 'ON', retention: governance(PAST) });
    for (const id of ['v1', 'v2', 'v3']) {
      await assertStorageError(current().store.deleteObjectVersion(B, 'k', id, { bypassGovernance: true }), 'Locked');
      assert.ok(await exists(id), id);
    }
  });

  it('deletes a GOVERNANCE version only with bypassGovernance', async () => {
    await put('v1', { retention: governance() });
    await assertStorageError(current().store.deleteObjectVersion(B, 'k', 'v1'), 'Locked');
    assert.ok(await exists('v1'));
    assert.equal((await current().store.deleteObjectVersion(B, 'k', 'v1', { bypassGovernance: true }))?.versionId, 'v1');
    assert.equal(await exists('v1'), false);
  });

  it('deletes versions whose retention expired, with the legal hold off, and delete markers', async () => {
    await put('v1', { retention: compliance(PAST), legalHold: 'OFF' });
    await put('v2', { retention: governance(PAST) });
    await current().store.putObjectVersion(deleteMarker(B, 'k', 'v3'));
    for (const id of ['v1', 'v2', 'v3']) assert.equal((await current().store.deleteObjectVersion(B, 'k', id))?.versionId, id);
  });

  it('refuses to replace a locked null version, and writes nothing', async () => {
    await put('null', { retention: compliance(), etag: '"old"' });
    await assertStorageError(put('null', { etag: '"new"' }), 'Locked');
    assert.equal((await current().store.getObjectVersion(B, 'k'))?.etag, '"old"');
  });

  it('fails closed when a version was written after the clock, or the clock is behind the high-water mark', async () => {
    const { store } = current();
    await put('v1', { retention: compliance(PAST), lastModified: new Date('2098-01-01T00:00:00.000Z') });
    assert.equal((await store.clockHighWater())?.toISOString(), '2098-01-01T00:00:00.000Z');
    await put('v2', { retention: governance(PAST) });
    await put('v3');
    await assertStorageError(store.deleteObjectVersion(B, 'k', 'v1', { bypassGovernance: true }), 'Locked');
    await assertStorageError(store.deleteObjectVersion(B, 'k', 'v2'), 'Locked');
    await assertStorageError(store.updateObjectLock(B, 'k', 'v2', { retention: null }, { bypassGovernance: false }), 'Locked');
    assert.equal((await store.deleteObjectVersion(B, 'k', 'v2', { bypassGovernance: true }))?.versionId, 'v2');
    assert.equal((await store.deleteObjectVersion(B, 'k', 'v3'))?.versionId, 'v3', 'a version without lock is not affected');
  });

  it('keeps lock state through a tags update made from a record read before the lock changed', async () => {
    const { store } = current();
    await put('v1');
    const stale = (await store.getObjectVersion(B, 'k', 'v1')) as ObjectVersionRecord;
    await store.updateObjectLock(B, 'k', 'v1', { retention: compliance(), legalHold: 'ON' }, { bypassGovernance: false });
    await store.updateObjectMetadata({ ...stale, tags: [{ key: 'a', value: 'b' }] });
    const stored = await store.getObjectVersion(B, 'k', 'v1');
    assert.deepEqual([stored?.retention, stored?.legalHold, stored?.tags], [compliance(), 'ON', [{ key: 'a', value: 'b' }]]);
    await store.updateObjectMetadata({ ...stale, retention: undefined, legalHold: 'OFF' });
    assert.deepEqual((await store.getObjectVersion(B, 'k', 'v1'))?.retention, compliance());
    await assertStorageError(store.deleteObjectVersion(B, 'k', 'v1', { bypassGovernance: true }), 'Locked');
  });

  it('changes retention only under the lock rules', async () => {
    const { store } = current();
    await put('g', { retention: governance() });
    await put('c', { retention: compliance() });
    const change = (id: string, retention: ObjectRetention | null, bypassGovernance = false) => store.updateObjectLock(B, 'k', id, { retention }, { bypassGovernance });
    assert.deepEqual((await change('g', governance(LATER))).retention, governance(LATER));
    await assertStorageError(change('g', governance()), 'Locked');
    await assertStorageError(change('g', compliance(LATER)), 'Locked');
    await assertStorageError(change('g', null), 'Locked');
    assert.equal((await change('g', null, true)).retention, undefined);
    assert.equal((await store.getObjectVersion(B, 'k', 'g'))?.retention, undefined);
    assert.deepEqual((await change('c', compliance(LATER))).retention, compliance(LATER));
    for (const next of [compliance(), governance(LATER), null]) await assertStorageError(change('c', next, true), 'Locked');
    assert.deepEqual((await store.getObjectVersion(B, 'k', 'c'))?.retention, compliance(LATER));
  });

  it('sets and lifts a legal hold, after which the version can be deleted', async () => {
    const { store } = current();
    await put('v1');
    assert.equal((await store.updateObjectLock(B, 'k', 'v1', { legalHold: 'ON' }, { bypassGovernance: false })).legalHold, 'ON');
    await assertStorageError(store.deleteObjectVersion(B, 'k', 'v1', { bypassGovernance: true }), 'Locked');
    await store.updateObjectLock(B, 'k', 'v1', { legalHold: 'OFF' }, { bypassGovernance: false });
    assert.equal((await store.deleteObjectVersion(B, 'k', 'v1'))?.versionId, 'v1');
  });

  it('refuses a lock change on a missing, replaced or delete-marker version with NotFound', async () => {
    const { store } = current();
    await put('v1', { etag: '"one"' });
    await store.putObjectVersion(deleteMarker(B, 'k', 'v2'));
    const options = { bypassGovernance: false };
    await assertStorageError(store.updateObjectLock(B, 'k', 'missing', { legalHold: 'ON' }, options), 'NotFound');
    await assertStorageError(store.updateObjectLock(B, 'k', 'v2', { legalHold: 'ON' }, options), 'NotFound');
    const expect = { etag: '"other"', lastModified: new Date('2024-05-06T07:08:09.010Z') };
    await assertStorageError(store.updateObjectLock(B, 'k', 'v1', { legalHold: 'ON' }, { ...options, expect }), 'NotFound');
    assert.equal((await store.getObjectVersion(B, 'k', 'v1'))?.legalHold, undefined);
  });

  it('refuses raw SQL that deletes a locked row or weakens a COMPLIANCE retention (dialect triggers)', async (t) => {
    const raw = current().rawSql;
    if (!raw) return t.skip('this harness cannot run raw SQL');
    await put('c', { retention: compliance() });
    await put('h', { legalHold: 'ON' });
    await put('free', { retention: compliance(PAST) });
    for (const id of ['c', 'h']) {
      await assertStorageError(raw(`delete from objects where bucket = '${B}' and version_id = '${id}'`), 'Locked');
      await assertStorageError(raw(`update objects set blob_id = 'other' where bucket = '${B}' and version_id = '${id}'`), 'Locked');
    }
    await assertStorageError(raw(`update objects set retain_until_ms = 0 where version_id = 'c'`), 'Locked');
    await assertStorageError(raw(`update objects set lock_mode = 'GOVERNANCE' where version_id = 'c'`), 'Locked');
    await assertStorageError(raw(`update objects set lock_mode = null, retain_until_ms = null where version_id = 'c'`), 'Locked');
    await raw(`delete from objects where bucket = '${B}' and version_id = 'free'`);
    assert.deepEqual([await exists('c'), await exists('h'), await exists('free')], [true, true, false]);
  });
}
