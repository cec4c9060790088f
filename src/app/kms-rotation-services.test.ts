/**
 * Key rotation through the services on real SQLite metadata and filesystem blobs, with an
 * in-memory multi-key KMS (a KeyManager like KES: named keys, data keys sealed with AES-GCM and
 * the context as associated data) that can lose keys and go down. Lives in app/ because only
 * app/ may wire services and storage together (scripts/check-imports.ts).
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AppError } from '../core/index.js';
import { KmsError, type DataKey, type KeyManager, type KmsContext } from '../kms/index.js';
import { BucketService, KeyRotation, ObjectCrypto, ObjectService, md5Base64, type SseRequest } from '../services/index.js';
import { createFsBlobStore } from '../storage/fs/index.js';
import type { BlobStore, MetadataStore, ObjectVersionRecord } from '../storage/ports.js';
import { openSqliteMetadataStore } from '../storage/sqlite/index.js';

class MemoryKms implements KeyManager {
  readonly backend = 'kes' as const;
  readonly defaultKeyId = 'key-a';
  readonly keys = new Map<string, Buffer>([['key-a', randomBytes(32)], ['key-b', randomBytes(32)], ['key-c', randomBytes(32)]]);
  down = false;
  generated = 0;
  /** Runs before each generateDataKey that is not a key check (the rotation's re-wrap). */
  beforeGenerate: (() => Promise<void> | void) | undefined;

  #key(id: string): Buffer {
    if (this.down) throw new KmsError('Unavailable', 'kms is down');
    const key = this.keys.get(id);
    if (!key) throw new KmsError('NotFound', 'no such key');
    return key;
  }
  async status() { return { backend: this.backend, online: !this.down, defaultKeyId: this.defaultKeyId }; }
  async createKey(): Promise<void> { throw new KmsError('NotSupported', 'no'); }
  async listKeys(): Promise<string[]> { return [...this.keys.keys()].sort(); }
  async importKey(): Promise<void> { throw new KmsError('NotSupported', 'no'); }
  async close(): Promise<void> {}
  async generateDataKey(id: string, context: KmsContext): Promise<DataKey> {
    if (context.purpose !== 'key-check') {
      await this.beforeGenerate?.();
      this.generated += 1;
    }
    const key = this.#key(id);
    const plaintext = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad(context));
    return { plaintext, ciphertext: Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
  }
  async decrypt(id: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    const key = this.#key(id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(0, 12)).setAAD(aad(context));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      return Buffer.concat([decipher.update(ciphertext.subarray(12, ciphertext.length - 16)), decipher.final()]);
    } catch (cause) {
      throw new KmsError('NotAuthentic', 'not authentic', { cause });
    }
  }
}

const aad = (context: KmsContext): Buffer => Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]])));
const customer = { key: randomBytes(32) } as { key: Buffer; keyMd5: string };
customer.keyMd5 = md5Base64(customer.key);

describe('KMS key rotation in the services', () => {
  let dir = '';
  let store: MetadataStore;
  let blobs: BlobStore;
  let kms: MemoryKms;
  let objects: ObjectService;
  let crypto: ObjectCrypto;
  const clock = { now: () => new Date() };
  const written = new Map<string, Buffer>();
  const rotation = (options: { pageSize?: number } = {}): KeyRotation => new KeyRotation({ store, crypto, clock, pageSize: options.pageSize ?? 3, persistEveryMs: 0 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-rotate-'));
    store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite'), clock });
    blobs = await createFsBlobStore({ root: dir, fsyncEnabled: false });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  let bucketCount = 0;
  let bucket = '';
  beforeEach(async () => {
    kms = new MemoryKms();
    crypto = new ObjectCrypto(kms);
    objects = new ObjectService({ store, blobs, clock, inFlight: new Set(), crypto });
    bucket = `rot-${++bucketCount}`;
    const buckets = new BucketService({ store, clock, region: 'us-east-1' });
    await buckets.createBucket({ name: bucket, owner: 'o' });
    await buckets.setVersioning(bucket, 'Enabled');
  });

  const put = async (key: string, sse: SseRequest | undefined, size = 100): Promise<ObjectVersionRecord> => {
    const bytes = randomBytes(size);
    const record = await objects.putObject({ bucket, key, body: Readable.from([bytes]), size, contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', contentMd5: undefined, sse });
    written.set(`${bucket}/${key}@${record.versionId}`, bytes);
    return record;
  };
  const read = async (record: Pick<ObjectVersionRecord, 'bucket' | 'key' | 'versionId'>, sseC = false): Promise<Buffer> => {
    const stored = await objects.getObjectRecord(record.bucket, record.key, record.versionId);
    const chunks: Buffer[] = [];
    for await (const chunk of await objects.openData(stored, undefined, sseC ? customer : undefined)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const assertReadsBack = async (record: ObjectVersionRecord, sseC = false): Promise<void> => {
    assert.ok((await read(record, sseC)).equals(written.get(`${record.bucket}/${record.key}@${record.versionId}`) as Buffer), `${record.key} reads back byte-identical`);
  };
  const stored = async (r: ObjectVersionRecord) => (await store.getObjectVersion(r.bucket, r.key, r.versionId)) as ObjectVersionRecord;

  it('re-wraps SSE-S3 and SSE-KMS objects under another key; after the old key is gone they read back identical, SSE-C is skipped', async () => {
    const sseS3 = await put('s3', { mode: 'SSE-S3' }, 200_000);
    const kmsA = await put('kms-a', { mode: 'SSE-KMS', keyId: 'key-a', context: Buffer.from('{"tenant":"t1"}').toString('base64') });
    const kmsA2 = await put('kms-a', { mode: 'SSE-KMS', keyId: 'key-a' }, 0);
    const kmsC = await put('kms-c', { mode: 'SSE-KMS', keyId: 'key-c' });
    const sseC = await put('sse-c', { mode: 'SSE-C', ...customer });
    const plain = await put('plain', undefined);
    const before = await Promise.all([sseS3, kmsA, kmsA2, kmsC].map(stored));

    const job = rotation();
    const started = await job.start({ bucket, key: 'key-b', fromKey: 'key-a' });
    assert.equal(started.state, 'running');
    const done = await job.settled();
    assert.equal(done.state, 'done', done.error);
    assert.deepEqual([done.total, done.processed, done.rotated, done.skipped, done.failed], [5, 5, 3, 2, 0]);
    assert.deepEqual(done.skippedBy, { 'sse-c': 1, 'other-key': 1, changed: 0, gone: 0 });
    assert.ok(done.startedAt && done.finishedAt && done.marker);

    const afterwards = await Promise.all([sseS3, kmsA, kmsA2, kmsC].map(stored));
    for (const [i, record] of afterwards.slice(0, 3).entries()) {
      const was = before[i] as ObjectVersionRecord;
      assert.equal(record.encryption?.keyId, 'key-b');
      assert.notEqual(record.encryption?.sealedDataKey, was.encryption?.sealedDataKey);
      assert.notDeepEqual(record.encryption?.sealedObjectKey, was.encryption?.sealedObjectKey);
      // Nothing else changed: mode, context, sizes, ETag, data location, sealed ETag.
      assert.deepEqual({ ...record, encryption: { ...record.encryption, keyId: 0, sealedDataKey: 0, sealedObjectKey: 0 } }, { ...was, encryption: { ...was.encryption, keyId: 0, sealedDataKey: 0, sealedObjectKey: 0 } });
    }
    assert.deepEqual(afterwards[3], before[3], 'key-c is not --from-key: untouched');

    kms.keys.delete('key-a');
    for (const r of [sseS3, kmsA, kmsA2, kmsC]) await assertReadsBack(r);
    await assertReadsBack(sseC, true);
    await assertReadsBack(plain);
    assert.equal((await stored(sseC)).encryption?.sealedObjectKey.sealed, sseC.encryption?.sealedObjectKey.sealed);
  });

  it('without --key, SSE-S3 goes to the default key and SSE-KMS gets a fresh data key of its own key', async () => {
    const s3 = await put('s3', { mode: 'SSE-S3' });
    const c = await put('c', { mode: 'SSE-KMS', keyId: 'key-c' });
    const job = rotation();
    await job.start({ bucket });
    const done = await job.settled();
    assert.deepEqual([done.rotated, done.skipped], [2, 0]);
    assert.equal((await stored(s3)).encryption?.keyId, 'key-a');
    assert.equal((await stored(c)).encryption?.keyId, 'key-c');
    assert.notEqual((await stored(c)).encryption?.sealedDataKey, c.encryption?.sealedDataKey);
    await assertReadsBack(s3);
    await assertReadsBack(c);
  });

  it('does not clobber a version overwritten while it was being rotated (compare-and-swap)', async () => {
    await store.updateBucket({ ...(await store.getBucket(bucket))!, versioning: 'Suspended' });
    await put('k', { mode: 'SSE-KMS', keyId: 'key-a' });
    let overwritten: ObjectVersionRecord | undefined;
    kms.beforeGenerate = async () => {
      if (overwritten) return;
      kms.beforeGenerate = undefined;
      overwritten = await put('k', { mode: 'SSE-KMS', keyId: 'key-c' });
      kms.beforeGenerate = () => undefined;
    };
    const job = rotation();
    await job.start({ bucket, key: 'key-b' });
    const done = await job.settled();
    assert.deepEqual([done.rotated, done.skippedBy.changed], [0, 1]);
    const now = await stored(overwritten as ObjectVersionRecord);
    assert.deepEqual(now.encryption, overwritten?.encryption, 'the new version keeps its own key material');
    await assertReadsBack(overwritten as ObjectVersionRecord);
  });

  it('resumes after a stop from the marker, neither redoing nor missing a version; a second start meanwhile is a conflict', async () => {
    const records: ObjectVersionRecord[] = [];
    for (let i = 0; i < 10; i++) records.push(await put(`k${i}`, { mode: 'SSE-S3' }, 10));
    const first = rotation();
    kms.generated = 0;
    kms.beforeGenerate = () => {
      if (kms.generated === 4) void first.stop();
    };
    await first.start({ bucket, key: 'key-b' });
    await assert.rejects(rotation().start({ bucket }), (e: unknown) => e instanceof AppError && e.code === 'EntityAlreadyExists' && /already running/.test(e.message));
    const stopped = await first.settled();
    assert.equal(stopped.state, 'failed');
    assert.match(stopped.error ?? '', /Stopped.*--resume/);
    assert.equal(stopped.processed, 5);
    assert.equal(stopped.marker?.key, [...records].map((r) => r.key).sort()[4]);
    kms.beforeGenerate = undefined;

    // Another process (a restart) resumes with the stored options; only `resume` is given.
    const second = rotation();
    const resumed = await second.start({ resume: true });
    assert.deepEqual(resumed.options, { bucket, key: 'key-b' });
    const done = await second.settled();
    assert.equal(done.state, 'done', done.error);
    assert.deepEqual([done.processed, done.rotated, done.skipped, done.total], [10, 10, 0, 10]);
    assert.equal(kms.generated, 10, 'each version re-wrapped exactly once');
    for (const r of records) assert.equal((await stored(r)).encryption?.keyId, 'key-b');
    await assert.rejects(second.start({ resume: true }), (e: unknown) => e instanceof AppError && e.code === 'NoSuchEntity');
  });

  it('fails with a clear error when the KMS goes down, keeps the marker, and resumes once it is back', async () => {
    const records: ObjectVersionRecord[] = [];
    for (let i = 0; i < 6; i++) records.push(await put(`k${i}`, { mode: 'SSE-KMS', keyId: 'key-a' }, 10));
    kms.generated = 0;
    kms.beforeGenerate = () => {
      if (kms.generated === 3) kms.down = true;
    };
    const job = rotation();
    await job.start({ bucket, key: 'key-b' });
    const failed = await job.settled();
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /^The KMS is unavailable\. The marker stays on the last finished version; continue with --resume\.$/);
    assert.deepEqual([failed.processed, failed.rotated], [3, 3]);
    assert.equal(failed.marker?.key, 'k2');
    await assert.rejects(rotation().start({ resume: true }), (e: unknown) => e instanceof AppError && e.code === 'ServiceUnavailable');
    assert.equal((await rotation().status()).marker?.key, 'k2', 'a refused resume leaves the record alone');

    kms.down = false;
    kms.beforeGenerate = undefined;
    const again = rotation();
    await again.start({ resume: true });
    const done = await again.settled();
    assert.deepEqual([done.state, done.processed, done.rotated], ['done', 6, 6]);
    kms.keys.delete('key-a');
    for (const r of records) await assertReadsBack(r);
  });

  it('counts a version whose KMS key is gone as failed and goes on; refuses an unknown target key and bucket up front', async () => {
    const lost = await put('lost', { mode: 'SSE-KMS', keyId: 'key-c' });
    const fine = await put('fine', { mode: 'SSE-S3' });
    kms.keys.delete('key-c');
    const job = rotation();
    await job.start({ bucket, key: 'key-b' });
    const done = await job.settled();
    assert.deepEqual([done.state, done.rotated, done.failed], ['done', 1, 1]);
    assert.deepEqual(done.failures, [{ bucket, key: 'lost', versionId: lost.versionId, reason: 'The KMS key of this version does not exist.' }]);
    await assertReadsBack(fine);
    await assert.rejects(rotation().start({ bucket, key: 'no-such-key' }), (e: unknown) => e instanceof AppError && e.code === 'KMS.NotFoundException');
    await assert.rejects(rotation().start({ bucket: 'no-such-bucket' }), (e: unknown) => e instanceof AppError && e.code === 'NoSuchBucket');
  });

  it('reads a running record of a process that stopped heartbeating as failed (interrupted) and lets a new job start', async () => {
    await put('k', { mode: 'SSE-S3' });
    const text = JSON.stringify({ formatVersion: 1, owner: 'dead-process', state: 'running', options: { bucket }, processed: 0, rotated: 0, skipped: 0, failed: 0,
      skippedBy: { 'sse-c': 0, 'other-key': 0, changed: 0, gone: 0 }, failures: [], startedAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    const previous = await store.jobs.get('kms-rotate');
    assert.ok(await store.jobs.put('kms-rotate', text, previous ?? null));
    const status = await rotation().status();
    assert.equal(status.state, 'failed');
    assert.match(status.error ?? '', /Interrupted/);
    assert.equal('owner' in status, false);
    const job = rotation();
    await job.start({ resume: true });
    assert.equal((await job.settled()).state, 'done');
  });
});
