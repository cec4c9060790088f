import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { RECORD_FORMAT_VERSION, type MultipartUploadRecord, type UploadPartRecord } from '../ports.js';
import { assertStorageError, bucketRecord, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'uploads';

export function uploadRecord(key: string, uploadId: string, overrides: Partial<MultipartUploadRecord> = {}): MultipartUploadRecord {
  return {
    formatVersion: RECORD_FORMAT_VERSION, bucket: B, key, uploadId, initiated: new Date('2024-05-06T07:08:09.010Z'),
    contentHeaders: { 'content-type': 'text/plain' }, userMetadata: { a: 'b' }, storageClass: 'STANDARD',
    checksum: { algorithm: 'CRC32', type: 'COMPOSITE' }, initiator: { id: 'owner', displayName: 'root' }, ...overrides,
  };
}

export function partRecord(uploadId: string, partNumber: number, blobId: string): UploadPartRecord {
  return {
    formatVersion: RECORD_FORMAT_VERSION, bucket: B, uploadId, partNumber, blobId, size: 5, etag: '"5d41402abc4b2a76b9719d911017c592"',
    lastModified: new Date('2024-05-06T07:08:10.000Z'), checksum: { algorithm: 'CRC32', value: 'NhCmhg==' }, dataCrc32: '3610a686',
  };
}

const blob = (n: number) => `01HZ${String(n).padStart(22, '0')}`;

export function uploadCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B)));
  const uploads = () => current().store.uploads;

  it('round-trips an upload and its parts, replaces a part and reports what it replaced', async () => {
    const upload = uploadRecord('k', 'U1');
    await uploads().createUpload(upload);
    assert.deepEqual(await uploads().getUpload(B, 'U1'), upload);
    assert.equal(await uploads().getUpload(B, 'U2'), undefined);
    await assertStorageError(uploads().createUpload(upload), 'AlreadyExists');
    assert.equal(await uploads().putPart(partRecord('U1', 2, blob(2))), undefined);
    assert.equal(await uploads().putPart(partRecord('U1', 1, blob(1))), undefined);
    const replaced = await uploads().putPart(partRecord('U1', 1, blob(3)));
    assert.deepEqual(replaced, partRecord('U1', 1, blob(1)));
    assert.deepEqual(await uploads().listParts(B, 'U1', 0, 10), [partRecord('U1', 1, blob(3)), partRecord('U1', 2, blob(2))]);
    assert.deepEqual((await uploads().listParts(B, 'U1', 1, 10)).map((p) => p.partNumber), [2]);
    assert.deepEqual((await uploads().listParts(B, 'U1', 0, 1)).map((p) => p.partNumber), [1]);
    await current().reopen();
    assert.deepEqual(await uploads().getUpload(B, 'U1'), upload);
  });

  it('refuses a part for an upload that does not exist and an upload in a missing bucket', async () => {
    await assertStorageError(uploads().putPart(partRecord('nope', 1, blob(1))), 'NotFound');
    await assertStorageError(uploads().createUpload({ ...uploadRecord('k', 'U1'), bucket: 'missing' }), 'NotFound');
  });

  it('deletes an upload with its parts and returns them once', async () => {
    await uploads().createUpload(uploadRecord('k', 'U1'));
    await uploads().putPart(partRecord('U1', 1, blob(1)));
    assert.deepEqual((await uploads().deleteUpload(B, 'U1'))?.map((p) => p.blobId), [blob(1)]);
    assert.equal(await uploads().deleteUpload(B, 'U1'), undefined);
    assert.deepEqual(await uploads().listParts(B, 'U1', 0, 10), []);
    assert.deepEqual(await current().store.referencedBlobIds([blob(1)]), new Set());
  });

  it('counts part blobs of uploads and of completed objects as referenced until they are gone', async () => {
    const { store } = current();
    await uploads().createUpload(uploadRecord('k', 'U1'));
    for (const n of [1, 2, 3]) await uploads().putPart(partRecord('U1', n, blob(n)));
    assert.deepEqual(await store.referencedBlobIds([blob(1), blob(2), blob(3), blob(4)]), new Set([blob(1), blob(2), blob(3)]));
    const record = objectRecord(B, 'k', { data: { kind: 'parts', parts: [{ blobId: blob(1), size: 5 }, { blobId: blob(3), size: 5 }] }, size: 10, partSizes: [5, 5] });
    const result = await store.putObjectVersion(record, { completesUpload: { uploadId: 'U1', parts: [{ partNumber: 1, blobId: blob(1) }, { partNumber: 3, blobId: blob(3) }] } });
    assert.deepEqual(result.releasedBlobIds, [blob(2)]);
    assert.equal(await uploads().getUpload(B, 'U1'), undefined, 'the upload is gone in the same commit');
    assert.deepEqual(await store.getObjectVersion(B, 'k'), record);
    assert.deepEqual(await store.referencedBlobIds([blob(1), blob(2), blob(3)]), new Set([blob(1), blob(3)]));
    const removed = await store.deleteObjectVersion(B, 'k', 'null');
    assert.deepEqual(removed?.data, record.data);
    assert.deepEqual(await store.referencedBlobIds([blob(1), blob(3)]), new Set());
  });

  it('completes nothing when the upload is gone or a part changed: no version, the upload stays', async () => {
    const { store } = current();
    await uploads().createUpload(uploadRecord('k', 'U1'));
    await uploads().putPart(partRecord('U1', 1, blob(1)));
    const record = objectRecord(B, 'k', { data: { kind: 'parts', parts: [{ blobId: blob(9), size: 5 }] } });
    await assertStorageError(store.putObjectVersion(record, { completesUpload: { uploadId: 'U1', parts: [{ partNumber: 1, blobId: blob(9) }] } }), 'NotFound');
    await assertStorageError(store.putObjectVersion(record, { completesUpload: { uploadId: 'U2', parts: [] } }), 'NotFound');
    await assertStorageError(store.putObjectVersion({ ...record, key: 'other' }, { completesUpload: { uploadId: 'U1', parts: [{ partNumber: 1, blobId: blob(1) }] } }), 'NotFound');
    assert.equal(await store.getObjectVersion(B, 'k'), undefined);
    assert.ok(await uploads().getUpload(B, 'U1'));
    assert.deepEqual(await store.referencedBlobIds([blob(9)]), new Set());
  });

  it('lists uploads by key then upload id, with prefix, delimiter, markers and limit', async () => {
    for (const [key, id] of [['a/1', 'U1'], ['a/1', 'U2'], ['a/2', 'U3'], ['b', 'U4'], ['c/d/e', 'U5'], ['é', 'U6']] as const) {
      await uploads().createUpload(uploadRecord(key, id));
    }
    const list = async (q: Partial<Parameters<ReturnType<typeof uploads>['listUploads']>[0]>) => {
      const page = await uploads().listUploads({ bucket: B, prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', limit: 1000, ...q });
      return { ids: page.uploads.map((u) => u.uploadId), prefixes: page.commonPrefixes, truncated: page.isTruncated, next: [page.nextKeyMarker, page.nextUploadIdMarker] };
    };
    assert.deepEqual((await list({})).ids, ['U1', 'U2', 'U3', 'U4', 'U5', 'U6']);
    assert.deepEqual(await list({ limit: 2 }), { ids: ['U1', 'U2'], prefixes: [], truncated: true, next: ['a/1', 'U2'] });
    assert.deepEqual((await list({ keyMarker: 'a/1', uploadIdMarker: 'U1' })).ids, ['U2', 'U3', 'U4', 'U5', 'U6']);
    assert.deepEqual((await list({ keyMarker: 'a/1' })).ids, ['U3', 'U4', 'U5', 'U6']);
    assert.deepEqual(await list({ delimiter: '/' }), { ids: ['U4', 'U6'], prefixes: ['a/', 'c/'], truncated: false, next: ['é', 'U6'] });
    assert.deepEqual(await list({ delimiter: '/', limit: 1 }), { ids: [], prefixes: ['a/'], truncated: true, next: ['a/', undefined] });
    assert.deepEqual((await list({ delimiter: '/', keyMarker: 'a/' })).prefixes, ['c/']);
    assert.deepEqual(await list({ prefix: 'c/', delimiter: '/' }), { ids: [], prefixes: ['c/d/'], truncated: false, next: ['c/d/', undefined] });
    assert.deepEqual((await list({ prefix: 'a/' })).ids, ['U1', 'U2', 'U3']);
  });

  it('finds uploads initiated before a time, oldest first', async () => {
    await uploads().createUpload(uploadRecord('new', 'U2', { initiated: new Date('2024-01-03T00:00:00Z') }));
    await uploads().createUpload(uploadRecord('old', 'U1', { initiated: new Date('2024-01-01T00:00:00Z') }));
    assert.deepEqual(await uploads().listUploadsInitiatedBefore(new Date('2024-01-02T00:00:00Z'), 10), [{ bucket: B, key: 'old', uploadId: 'U1' }]);
    assert.deepEqual((await uploads().listUploadsInitiatedBefore(new Date('2025-01-01T00:00:00Z'), 10)).map((u) => u.uploadId), ['U1', 'U2']);
  });

  it('drops the unfinished uploads of a deleted bucket', async () => {
    await uploads().createUpload(uploadRecord('k', 'U1'));
    await uploads().putPart(partRecord('U1', 1, blob(1)));
    await current().store.deleteBucket(B);
    await current().store.createBucket(bucketRecord(B));
    assert.equal(await uploads().getUpload(B, 'U1'), undefined);
    assert.deepEqual(await current().store.referencedBlobIds([blob(1)]), new Set());
  });
}
