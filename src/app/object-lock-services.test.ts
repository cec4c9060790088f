/**
 * Object Lock through the services and background jobs, on real SQLite metadata and filesystem
 * blobs. It lives in app/ because only app/ may wire services, storage and background together
 * (see scripts/check-imports.ts); the S3 API behaviour is covered under test/integration.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { multipartChecksums } from '../api/common/index.js';
import { createOrphanSweeper, createUploadExpirer } from '../background/index.js';
import { AppError } from '../core/index.js';
import { silentLogger } from '../observability/index.js';
import { BucketService, MultipartService, ObjectService, type PutObjectInput } from '../services/index.js';
import { createFsBlobStore } from '../storage/fs/index.js';
import type { BlobStore, MetadataStore, ObjectLockRequest, ObjectVersionRecord } from '../storage/ports.js';
import { openSqliteMetadataStore } from '../storage/sqlite/index.js';

const DAY = 86_400_000;
const MiB = 1024 * 1024;

async function rejectsWith(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

describe('Object Lock in the services', () => {
  let dir = '';
  let store: MetadataStore;
  let blobs: BlobStore;
  let now = new Date();
  const clock = { now: () => now };
  const inFlight = new Set<string>();
  let buckets: BucketService;
  let objects: ObjectService;
  let multipart: MultipartService;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-lock-'));
    store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite'), clock });
    blobs = await createFsBlobStore({ root: dir, fsyncEnabled: false });
    buckets = new BucketService({ store, clock, region: 'us-east-1' });
    objects = new ObjectService({ store, blobs, clock, inFlight });
    multipart = new MultipartService({ store, blobs, clock, inFlight, checksums: multipartChecksums });
    await buckets.createBucket({ name: 'plain', owner: 'o' });
    await buckets.createBucket({ name: 'locked', owner: 'o', objectLockEnabled: true });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const put = (bucket: string, key: string, lock?: ObjectLockRequest, bytes = Buffer.from('abc')): Promise<ObjectVersionRecord> => {
    const input: PutObjectInput = { bucket, key, body: Readable.from([bytes]), size: bytes.length, contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', contentMd5: undefined };
    return objects.putObject(lock ? { ...input, lock } : input);
  };
  const inDays = (days: number) => new Date(now.getTime() + days * DAY);

  it('creates a lock bucket with versioning Enabled, and refuses to suspend it', async () => {
    const bucket = await buckets.getBucket('locked');
    assert.deepEqual([bucket.objectLockEnabled, bucket.versioning], [true, 'Enabled']);
    await rejectsWith(buckets.setVersioning('locked', 'Suspended'), 'InvalidBucketState');
    assert.equal((await buckets.setVersioning('locked', 'Enabled')).versioning, 'Enabled');
  });

  it('turns Object Lock on by configuration only while versioning is Enabled; no rule removes the default', async () => {
    await buckets.createBucket({ name: 'later', owner: 'o' });
    await rejectsWith(buckets.getObjectLockConfiguration('later'), 'ObjectLockConfigurationNotFoundError');
    await rejectsWith(buckets.putObjectLockConfiguration('later', { mode: 'GOVERNANCE', days: 1 }), 'InvalidBucketState');
    await buckets.setVersioning('later', 'Enabled');
    await buckets.putObjectLockConfiguration('later', { mode: 'COMPLIANCE', years: 1 });
    assert.deepEqual(await buckets.getObjectLockConfiguration('later'), { rule: { mode: 'COMPLIANCE', years: 1 } });
    await buckets.putObjectLockConfiguration('later', undefined);
    assert.deepEqual(await buckets.getObjectLockConfiguration('later'), { rule: undefined });
    assert.equal((await buckets.getBucket('later')).objectLockEnabled, true);
    await rejectsWith(buckets.putObjectLockConfiguration('later', { mode: 'GOVERNANCE', days: 0 }), 'InvalidRetentionPeriod');
  });

  it('refuses lock headers on a bucket without Object Lock', async () => {
    await rejectsWith(put('plain', 'k', { legalHold: 'ON' }), 'InvalidRequest', 'Bucket is missing ObjectLockConfiguration');
    await rejectsWith(objects.assertObjectLockBucket('plain'), 'InvalidRequest', 'Bucket is missing ObjectLockConfiguration');
    await objects.assertObjectLockBucket('locked');
  });

  it('applies the bucket default when a write asks for no retention, also with only a legal hold', async () => {
    await buckets.putObjectLockConfiguration('locked', { mode: 'GOVERNANCE', days: 2 });
    try {
      const plain = await put('locked', 'default');
      assert.deepEqual(plain.retention, { mode: 'GOVERNANCE', retainUntil: inDays(2) });
      const held = await put('locked', 'held', { legalHold: 'ON' });
      assert.deepEqual([held.retention, held.legalHold], [{ mode: 'GOVERNANCE', retainUntil: inDays(2) }, 'ON']);
      const own = await put('locked', 'own', { retention: { mode: 'COMPLIANCE', retainUntil: inDays(5) } });
      assert.deepEqual((await objects.getObjectRecord('locked', 'own', own.versionId)).retention, { mode: 'COMPLIANCE', retainUntil: inDays(5) });
      await rejectsWith(put('locked', 'past', { retention: { mode: 'GOVERNANCE', retainUntil: inDays(-1) } }), 'InvalidArgument');
    } finally {
      await buckets.putObjectLockConfiguration('locked', undefined);
    }
  });

  it('refuses deletes of locked versions; GOVERNANCE yields to bypass; a delete marker is always allowed', async () => {
    const locked = 'Access Denied because object protected by object lock.';
    const c = await put('locked', 'del', { retention: { mode: 'COMPLIANCE', retainUntil: inDays(1) } });
    const g = await put('locked', 'del', { retention: { mode: 'GOVERNANCE', retainUntil: inDays(1) } });
    const h = await put('locked', 'del', { legalHold: 'ON' });
    await rejectsWith(objects.deleteObject('locked', 'del', c.versionId, undefined, { bypassGovernance: true }), 'ObjectLocked', locked);
    await rejectsWith(objects.deleteObject('locked', 'del', h.versionId, undefined, { bypassGovernance: true }), 'ObjectLocked', locked);
    await rejectsWith(objects.deleteObject('locked', 'del', g.versionId), 'ObjectLocked', locked);
    await rejectsWith(objects.deleteObjectIf('locked', 'del', g.versionId, {}), 'ObjectLocked', locked);
    const marker = await objects.deleteObject('locked', 'del');
    assert.equal(marker.deleteMarker, true);
    assert.deepEqual(await objects.deleteObject('locked', 'del', g.versionId, undefined, { bypassGovernance: true }), { versionId: g.versionId, deleteMarker: false });
    await objects.putObjectLegalHold(h, 'OFF', true);
    await objects.deleteObject('locked', 'del', h.versionId);
    await objects.deleteObject('locked', 'del', marker.versionId as string);
    assert.equal((await objects.getObjectRecord('locked', 'del', c.versionId)).versionId, c.versionId);
  });

  it('changes retention under the rules: extend freely, shorten GOVERNANCE only with bypass, COMPLIANCE never', async () => {
    const g = await put('locked', 'ret', { retention: { mode: 'GOVERNANCE', retainUntil: inDays(2) } });
    const longer = await objects.putObjectRetention(g, { mode: 'GOVERNANCE', retainUntil: inDays(3) }, { bypassGovernance: false, byVersionId: true });
    await rejectsWith(objects.putObjectRetention(longer, { mode: 'GOVERNANCE', retainUntil: inDays(1) }, { bypassGovernance: false, byVersionId: true }), 'ObjectLocked');
    await rejectsWith(objects.putObjectRetention(longer, undefined, { bypassGovernance: false, byVersionId: true }), 'ObjectLocked');
    const removed = await objects.putObjectRetention(longer, undefined, { bypassGovernance: true, byVersionId: true });
    assert.equal(removed.retention, undefined);
    const c = await objects.putObjectRetention(removed, { mode: 'COMPLIANCE', retainUntil: inDays(2) }, { bypassGovernance: false, byVersionId: true });
    for (const next of [undefined, { mode: 'COMPLIANCE' as const, retainUntil: inDays(1) }, { mode: 'GOVERNANCE' as const, retainUntil: inDays(9) }]) {
      await rejectsWith(objects.putObjectRetention(c, next, { bypassGovernance: true, byVersionId: true }), 'ObjectLocked');
    }
    assert.deepEqual((await objects.getObjectRecord('locked', 'ret', g.versionId)).retention, { mode: 'COMPLIANCE', retainUntil: inDays(2) });
    await rejectsWith(objects.putObjectRetention(c, { mode: 'COMPLIANCE', retainUntil: inDays(-1) }, { bypassGovernance: true, byVersionId: true }), 'InvalidArgument');
  });

  it('fails closed when the clock moves backwards: an expired GOVERNANCE retention still locks', async () => {
    const v = await put('locked', 'clock', { retention: { mode: 'GOVERNANCE', retainUntil: inDays(1) } });
    const real = now;
    try {
      now = new Date(real.getTime() + 2 * DAY);
      await put('locked', 'clock-later');
      now = new Date(real.getTime() + DAY + 1000);
      // Expired by this clock, but the clock is behind what the store already wrote.
      await rejectsWith(objects.deleteObject('locked', 'clock', v.versionId), 'ObjectLocked');
      now = new Date(real.getTime() + 3 * DAY);
      await objects.deleteObject('locked', 'clock', v.versionId);
    } finally {
      now = new Date(Math.max(Date.now(), real.getTime() + 3 * DAY));
    }
  });

  it('keeps the lock of a multipart upload for its completion, or applies the default there', async () => {
    const create = (bucket: string, key: string, lock?: ObjectLockRequest) =>
      multipart.createUpload({ bucket, key, contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', checksum: undefined, initiator: { id: 'o', displayName: 'o' }, ...(lock ? { lock } : {}) });
    await rejectsWith(create('plain', 'mp', { legalHold: 'ON' }), 'InvalidRequest');
    const complete = async (upload: Awaited<ReturnType<typeof create>>) => {
      const part = await multipart.uploadPart({ upload, partNumber: 1, body: Readable.from([Buffer.from('part')]), size: 4, contentMd5: undefined });
      return multipart.completeUpload({ bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId, parts: [{ partNumber: 1, etag: part.etag, checksums: {} }] });
    };
    const retention = { mode: 'COMPLIANCE' as const, retainUntil: inDays(4) };
    const withLock = await create('locked', 'mp', { retention, legalHold: 'ON' });
    const pending = await create('locked', 'mp-default');
    await buckets.putObjectLockConfiguration('locked', { mode: 'GOVERNANCE', days: 1 });
    let own: ObjectVersionRecord;
    try {
      own = await complete(withLock);
      assert.deepEqual([own.retention, own.legalHold], [retention, 'ON'], 'the upload’s own retention wins over the default');
      assert.deepEqual((await complete(pending)).retention, { mode: 'GOVERNANCE', retainUntil: inDays(1) });
    } finally {
      await buckets.putObjectLockConfiguration('locked', undefined);
    }
    await rejectsWith(objects.deleteObject('locked', 'mp', own.versionId, undefined, { bypassGovernance: true }), 'ObjectLocked');
  });

  it('never lets the orphan sweep or upload expiry remove a locked version’s data', async () => {
    const big = Buffer.alloc(MiB, 7);
    const v = await put('locked', 'kept', { retention: { mode: 'COMPLIANCE', retainUntil: inDays(1) } }, big);
    assert.equal(v.data.kind, 'blob');
    const sweeper = createOrphanSweeper({ store, blobs, inFlight, logger: silentLogger });
    await sweeper.runOnce(0);
    await createUploadExpirer({ multipart, clock: { now: () => new Date(now.getTime() + 365 * DAY) }, maxAgeMs: 1, logger: silentLogger }).runOnce();
    await sweeper.runOnce(0);
    const chunks: Buffer[] = [];
    for await (const chunk of await objects.openData(await objects.getObjectRecord('locked', 'kept', v.versionId))) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(big));
  });
});
