/**
 * Object use cases: put (inline or blob), get, head, delete, list versions, with S3 versioning.
 * Ordering that keeps acknowledged data safe: bytes durable first (blob commit fsyncs),
 * then the metadata commit, then removal of what the write replaced.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, type Clock } from '../../core/index.js';
import { assertUserMetadataSize, assertValidObjectKey, assertValidVersionId, NULL_VERSION_ID, versionIdForWrite } from '../../domain/index.js';
import {
  RECORD_FORMAT_VERSION,
  StorageError,
  type BlobStore,
  type BucketRecord,
  type ByteRange,
  type ListObjectsPage,
  type ListObjectsQuery,
  type ListObjectVersionsPage,
  type ListObjectVersionsQuery,
  type MetadataStore,
  type ObjectChecksum,
  type ObjectData,
  type ObjectLockRequest,
  type ObjectRetention,
  type ObjectVersionRecord,
  type StoredTag,
} from '../../storage/ports.js';
import { BodyTap, collectBody } from './body-tap.js';
import { blobIdsOf, openParts } from './part-data.js';
import { deleteMarkerRecord, type DeleteOutcome } from './versioning.js';
import { assertDeletable, assertLockAllowed, changeLock, lockForWrite, mapLocked, missingLockConfiguration } from './object-lock.js';
import { evaluateDeleteConditions, evaluateExpectation, withExpectation, type DeleteConditions, type WriteExpectation } from './conditions.js';

export const MAX_PUT_OBJECT_BYTES = 5 * 1024 ** 3;
export const INLINE_THRESHOLD_BYTES = 128 * 1024;

export interface PutObjectInput {
  bucket: string;
  key: string;
  body: Readable;
  /** Declared payload length (Content-Length or x-amz-decoded-content-length); undefined for a
   * plain chunked transfer, which is then capped at the 5 GiB single-PUT limit. */
  size: number | undefined;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  storageClass: string;
  /** base64 Content-MD5 to verify, if the client sent one. */
  contentMd5: string | undefined;
  /** Runs after the whole body was read and before anything is committed: verifies checksums. */
  afterBody?: () => ObjectChecksum | undefined;
  /** x-amz-tagging (validated, sorted); empty or undefined for none. */
  tags?: StoredTag[];
  /** If-None-Match: * / If-Match: checked before the body is read and again at the commit. */
  expect?: WriteExpectation;
  /** Object Lock headers (validated shape); refused on a bucket without Object Lock. Without a
   * retention the bucket default applies at commit time. */
  lock?: ObjectLockRequest;
}

/** Options of DeleteObject / DeleteObjects entries. */
export interface DeleteObjectOptions {
  /** x-amz-bypass-governance-retention: true AND s3:BypassGovernanceRetention (computed by the API). */
  bypassGovernance?: boolean;
}

export interface ObjectServiceDeps {
  store: MetadataStore;
  blobs: BlobStore;
  clock: Clock;
  /** Blob ids committed but not yet referenced by metadata, protected from the orphan sweep. */
  inFlight: Set<string>;
}

export class ObjectService {
  readonly #store: MetadataStore;
  readonly #blobs: BlobStore;
  readonly #clock: Clock;
  readonly #inFlight: Set<string>;

  constructor(deps: ObjectServiceDeps) {
    this.#store = deps.store;
    this.#blobs = deps.blobs;
    this.#clock = deps.clock;
    this.#inFlight = deps.inFlight;
  }

  async putObject(input: PutObjectInput): Promise<ObjectVersionRecord> {
    assertValidObjectKey(input.key);
    assertUserMetadataSize(input.userMetadata);
    if (input.size !== undefined && input.size > MAX_PUT_OBJECT_BYTES) {
      throw new AppError('EntityTooLarge', { message: 'Your proposed upload exceeds the maximum allowed size', fields: { MaxSizeAllowed: String(MAX_PUT_OBJECT_BYTES) } });
    }
    if (input.expect) evaluateExpectation(await this.#store.getObjectVersion(input.bucket, input.key), input.expect);
    if (input.lock) assertLockAllowed(await this.#bucket(input.bucket), input.lock);
    const { data, blobId, digest } = await this.#storeBody(input);
    try {
      // The versioning state and lock default are read once the body is stored, as close to the commit as possible.
      const bucket = await this.#bucket(input.bucket);
      const versioning = bucket.versioning;
      const now = this.#clock.now();
      const lock = lockForWrite(bucket, input.lock, now);
      const record: ObjectVersionRecord = {
        formatVersion: RECORD_FORMAT_VERSION,
        bucket: input.bucket,
        key: input.key,
        versionId: versionIdForWrite(versioning),
        isLatest: true,
        isDeleteMarker: false,
        size: digest.size,
        etag: `"${digest.md5Hex}"`,
        lastModified: now,
        contentHeaders: input.contentHeaders,
        userMetadata: input.userMetadata,
        checksum: digest.checksum,
        dataCrc32: digest.crc32Hex,
        data,
        partSizes: undefined,
        storageClass: input.storageClass,
        ...(input.tags && input.tags.length > 0 ? { tags: input.tags } : {}),
        ...lock,
      };
      const { removed } = await withExpectation(this.#store, input, input.expect, () =>
        mapLocked(record, () => this.#store.putObjectVersion(record, input.expect ? { expect: input.expect } : undefined)),
      );
      await this.#removeData(removed);
      return record;
    } catch (error) {
      if (blobId) await this.#blobs.delete(blobId).catch(() => undefined);
      throw error;
    } finally {
      if (blobId) this.#inFlight.delete(blobId);
    }
  }

  async #storeBody(input: PutObjectInput): Promise<{ data: ObjectData; blobId: string | undefined; digest: BodyDigest }> {
    const tap = new BodyTap(input.size ?? MAX_PUT_OBJECT_BYTES);
    if (input.size !== undefined && input.size <= INLINE_THRESHOLD_BYTES) {
      const bytes = await collectBody(input.body, tap);
      const digest = verifyBody(input, tap);
      const data: ObjectData = bytes.length === 0 ? { kind: 'none' } : { kind: 'inline', bytes };
      return { data, blobId: undefined, digest };
    }
    const writer = await this.#blobs.createWriter();
    let digest: BodyDigest;
    try {
      await pipeline(input.body, tap, writer.stream);
      digest = verifyBody(input, tap);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const { blobId } = await writer.commit();
    this.#inFlight.add(blobId);
    return { data: { kind: 'blob', blobId }, blobId, digest };
  }

  /** The latest version, or the given one; NoSuchKey / NoSuchVersion otherwise. */
  async getObjectRecord(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord> {
    assertValidObjectKey(key);
    if (versionId !== undefined) assertValidVersionId(versionId);
    const record = await this.#store.getObjectVersion(bucket, key, versionId);
    if (!record) {
      if (versionId !== undefined) throw new AppError('NoSuchVersion', { message: 'The specified version does not exist.' });
      throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
    }
    if (record.isDeleteMarker && versionId === undefined) {
      throw new AppError('NoSuchKey', {
        message: 'The specified key does not exist.',
        headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': record.versionId },
      });
    }
    return record;
  }

  /** The bytes to send for a GET: small inline objects as one Buffer (no stream machinery). */
  async openBody(record: ObjectVersionRecord, range?: ByteRange): Promise<Readable | Buffer> {
    const data = record.data;
    if (data.kind === 'none') return Buffer.alloc(0);
    if (data.kind === 'inline') return range ? data.bytes.subarray(range.start, range.end + 1) : data.bytes;
    return this.openData(record, range);
  }

  async openData(record: ObjectVersionRecord, range?: ByteRange): Promise<Readable> {
    const data = record.data;
    if (data.kind === 'none') return Readable.from([]);
    if (data.kind === 'inline') {
      const bytes = range ? data.bytes.subarray(range.start, range.end + 1) : data.bytes;
      return Readable.from([bytes]);
    }
    try {
      if (data.kind === 'parts') return await openParts(this.#blobs, data.parts, range);
      return await this.#blobs.read(data.blobId, range);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') {
        throw new AppError('StorageCorrupt', { details: { bucket: record.bucket, key: record.key, versionId: record.versionId } });
      }
      throw error;
    }
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsPage> {
    return this.#store.listObjects(query);
  }

  async listObjectVersions(query: ListObjectVersionsQuery): Promise<ListObjectVersionsPage> {
    return this.#store.listObjectVersions(query);
  }

  /**
   * DeleteObject as S3 defines it. With a version id: that version (or delete marker) is removed
   * for good and the next newest becomes current; a version that does not exist is no error.
   * Without: Unversioned removes the null version; Enabled adds a delete marker with a new id;
   * Suspended replaces the null version with a null delete marker.
   */
  async deleteObject(
    bucket: string,
    key: string,
    versionId?: string,
    expect?: { latestEtag?: string },
    deleteOptions?: DeleteObjectOptions,
  ): Promise<DeleteOutcome> {
    assertValidObjectKey(key);
    const bypassGovernance = deleteOptions?.bypassGovernance === true;
    const options = { ...(expect ? { expect } : {}), bypassGovernance };
    const removeVersion = async (id: string) => {
      // The service's own check names the reason; the store checks again inside its transaction.
      const existing = await this.#store.getObjectVersion(bucket, key, id);
      if (existing) await assertDeletable({ store: this.#store, clock: this.#clock }, existing, bypassGovernance);
      return mapLocked({ bucket, key, versionId: id }, () => this.#store.deleteObjectVersion(bucket, key, id, options));
    };
    if (versionId !== undefined) {
      assertValidVersionId(versionId);
      const removed = await removeVersion(versionId);
      if (removed) await this.#removeData([removed]);
      return { versionId, deleteMarker: removed?.isDeleteMarker ?? false };
    }
    const { versioning } = await this.#bucket(bucket);
    if (versioning === 'Unversioned') {
      const removed = await removeVersion(NULL_VERSION_ID);
      if (removed) await this.#removeData([removed]);
      return { versionId: undefined, deleteMarker: false };
    }
    const marker = deleteMarkerRecord(bucket, key, versionIdForWrite(versioning), this.#clock.now());
    const { removed } = await mapLocked(marker, () => this.#store.putObjectVersion(marker, expect ? { expect } : undefined));
    await this.#removeData(removed);
    return { versionId: marker.versionId, deleteMarker: true };
  }

  /**
   * DeleteObject with If-Match / x-amz-if-match-size / x-amz-if-match-last-modified-time:
   * evaluated on the current version (as S3 does, also when a version id is given), then the
   * delete is pinned to that version's ETag inside the store's transaction.
   */
  async deleteObjectIf(
    bucket: string,
    key: string,
    versionId: string | undefined,
    conditions: DeleteConditions,
    options?: DeleteObjectOptions,
  ): Promise<DeleteOutcome> {
    assertValidObjectKey(key);
    const expect = evaluateDeleteConditions(await this.#store.getObjectVersion(bucket, key), conditions);
    return withExpectation(this.#store, { bucket, key }, expect, () => this.deleteObject(bucket, key, versionId, expect, options));
  }

  /** PutObjectRetention (undefined removes the retention), judged by the Object Lock rules. */
  async putObjectRetention(
    record: ObjectVersionRecord,
    retention: ObjectRetention | undefined,
    options: { bypassGovernance: boolean; byVersionId: boolean },
  ): Promise<ObjectVersionRecord> {
    return changeLock({ store: this.#store, clock: this.#clock }, record, { retention: retention ?? null }, options);
  }

  /** PutObjectLegalHold: ON blocks deletion regardless of retention; OFF lifts it. */
  async putObjectLegalHold(record: ObjectVersionRecord, status: 'ON' | 'OFF', byVersionId: boolean): Promise<ObjectVersionRecord> {
    return changeLock({ store: this.#store, clock: this.#clock }, record, { legalHold: status }, { bypassGovernance: false, byVersionId });
  }

  /** InvalidRequest "Bucket is missing ObjectLockConfiguration" unless the bucket has Object Lock. */
  async assertObjectLockBucket(bucket: string): Promise<void> {
    if (!(await this.#bucket(bucket)).objectLockEnabled) throw missingLockConfiguration();
  }

  /** PutObjectTagging / DeleteObjectTagging: replaces one version's tag set (empty removes it). */
  async replaceObjectTags(record: ObjectVersionRecord, tags: readonly StoredTag[], byVersionId: boolean): Promise<ObjectVersionRecord> {
    const { tags: _previous, ...rest } = record;
    const updated: ObjectVersionRecord = tags.length > 0 ? { ...rest, tags: [...tags] } : rest;
    try {
      await this.#store.updateObjectMetadata(updated);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') {
        // Deleted or replaced since it was read.
        if (byVersionId) throw new AppError('NoSuchVersion', { message: 'The specified version does not exist.' });
        throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
      }
      throw error;
    }
    return updated;
  }

  async #bucket(name: string): Promise<BucketRecord> {
    const bucket = await this.#store.getBucket(name);
    if (!bucket) throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
    return bucket;
  }

  async #removeData(records: ObjectVersionRecord[]): Promise<void> {
    for (const record of records) {
      for (const blobId of blobIdsOf(record.data)) await this.#blobs.delete(blobId).catch(() => undefined);
    }
  }
}

interface BodyDigest {
  size: number;
  md5Hex: string;
  crc32Hex: string;
  checksum: ObjectChecksum | undefined;
}

/** After the whole body was read: length, Content-MD5 and the client's checksum must all agree. */
function verifyBody(input: PutObjectInput, tap: BodyTap): BodyDigest {
  if (input.size !== undefined && tap.bytes !== input.size) {
    throw new AppError('IncompleteBody', { message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' });
  }
  const md5 = tap.md5();
  if (input.contentMd5 !== undefined && md5.toString('base64') !== input.contentMd5) {
    throw new AppError('BadDigest', { message: 'The Content-MD5 you specified did not match what we received.' });
  }
  return { size: tap.bytes, md5Hex: md5.toString('hex'), crc32Hex: tap.crc32Hex(), checksum: input.afterBody?.() };
}
