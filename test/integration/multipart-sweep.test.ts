/** The orphan sweep and upload expiry against real SQLite metadata and filesystem blobs. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { multipartChecksums } from '../../src/api/common/index.js';
import { createOrphanSweeper, createUploadExpirer } from '../../src/background/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { MultipartService, ObjectService } from '../../src/services/index.js';
import { createFsBlobStore } from '../../src/storage/fs/index.js';
import { RECORD_FORMAT_VERSION, type BlobStore, type MetadataStore } from '../../src/storage/ports.js';
import { openSqliteMetadataStore } from '../../src/storage/sqlite/index.js';

const MiB = 1024 * 1024;

describe('multipart part blobs and background work', () => {
  let dir: string;
  let store: MetadataStore;
  let blobs: BlobStore;
  let now = new Date('2024-06-01T00:00:00Z');
  const clock = { now: () => now };
  const inFlight = new Set<string>();
  let multipart: MultipartService;
  let objects: ObjectService;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-mp-'));
    store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite') });
    blobs = await createFsBlobStore({ root: dir, fsyncEnabled: false });
    multipart = new MultipartService({ store, blobs, clock, inFlight, checksums: multipartChecksums });
    objects = new ObjectService({ store, blobs, clock, inFlight });
    await store.createBucket({ formatVersion: RECORD_FORMAT_VERSION, name: 'b', owner: 'o', region: 'us-east-1', createdAt: now, versioning: 'Unversioned', objectLockEnabled: false });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const create = (key: string) => multipart.createUpload({ bucket: 'b', key, contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', checksum: undefined, initiator: { id: 'o', displayName: 'o' } });
  const part = async (upload: Awaited<ReturnType<typeof create>>, partNumber: number, bytes: Buffer) =>
    multipart.uploadPart({ upload, partNumber, body: Readable.from([bytes]), size: bytes.length, contentMd5: undefined });
  const sweep = () => createOrphanSweeper({ store, blobs, inFlight, logger: silentLogger }).runOnce(0);

  it('never sweeps part blobs of uploads in progress or of completed objects, and sweeps them once the object is deleted', async () => {
    const upload = await create('swept');
    const p1 = await part(upload, 1, Buffer.alloc(5 * MiB, 1));
    const p2 = await part(upload, 2, Buffer.from('tail'));
    assert.deepEqual(await sweep(), { removedBlobs: 0, removedTemps: 0 });
    for (const p of [p1, p2]) await blobs.read(p.blobId);

    await multipart.completeUpload({ bucket: 'b', key: 'swept', uploadId: upload.uploadId, parts: [p1, p2].map((p) => ({ partNumber: p.partNumber, etag: p.etag, checksums: {} })) });
    assert.deepEqual(await sweep(), { removedBlobs: 0, removedTemps: 0 });
    const record = await objects.getObjectRecord('b', 'swept');
    const chunks: Buffer[] = [];
    for await (const chunk of await objects.openData(record, { start: 5 * MiB - 2, end: 5 * MiB + 1 })) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from([1, 1, ...Buffer.from('ta')]));

    await objects.deleteObject('b', 'swept');
    for (const p of [p1, p2]) await assert.rejects(blobs.read(p.blobId), /not found/);
    assert.deepEqual(await sweep(), { removedBlobs: 0, removedTemps: 0 });
  });

  it('overwriting a multipart object deletes the old part blobs', async () => {
    const upload = await create('overwritten');
    const p1 = await part(upload, 1, Buffer.from('old'));
    await multipart.completeUpload({ bucket: 'b', key: 'overwritten', uploadId: upload.uploadId, parts: [{ partNumber: 1, etag: p1.etag, checksums: {} }] });
    await objects.putObject({ bucket: 'b', key: 'overwritten', body: Readable.from([Buffer.from('new')]), size: 3, contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', contentMd5: undefined });
    await assert.rejects(blobs.read(p1.blobId));
  });

  it('aborts uploads older than the configured age, with their part blobs, and keeps younger ones', async () => {
    const old = await create('old');
    const oldPart = await part(old, 1, Buffer.from('old part'));
    now = new Date(now.getTime() + 6 * 24 * 3600 * 1000);
    const young = await create('young');
    const youngPart = await part(young, 1, Buffer.from('young part'));
    now = new Date(now.getTime() + 2 * 24 * 3600 * 1000);
    const expirer = createUploadExpirer({ multipart, clock, maxAgeMs: 7 * 24 * 3600 * 1000, logger: silentLogger });
    assert.equal(await expirer.runOnce(), 1);
    await assert.rejects(multipart.getUpload('b', 'old', old.uploadId), /NoSuchUpload/);
    await assert.rejects(blobs.read(oldPart.blobId));
    assert.ok(await multipart.getUpload('b', 'young', young.uploadId));
    await blobs.read(youngPart.blobId);
    assert.equal(await expirer.runOnce(), 0);
  });

  it('remembers a completed upload across a restart (a repeated completion answers the same version) until the expiry age', async () => {
    const upload = await create('remembered');
    const p1 = await part(upload, 1, Buffer.from('only part'));
    const parts = [{ partNumber: 1, etag: p1.etag, checksums: {} }];
    const first = await multipart.completeUpload({ bucket: 'b', key: 'remembered', uploadId: upload.uploadId, parts });
    await store.close();
    store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite') });
    multipart = new MultipartService({ store, blobs, clock, inFlight, checksums: multipartChecksums });
    const again = await multipart.completeUpload({ bucket: 'b', key: 'remembered', uploadId: upload.uploadId, parts });
    assert.deepEqual([again.versionId, again.etag], [first.versionId, first.etag]);
    now = new Date(now.getTime() + 8 * 24 * 3600 * 1000);
    await createUploadExpirer({ multipart, clock, maxAgeMs: 7 * 24 * 3600 * 1000, logger: silentLogger }).runOnce();
    await assert.rejects(multipart.completeUpload({ bucket: 'b', key: 'remembered', uploadId: upload.uploadId, parts }), /NoSuchUpload/);
  });
});
