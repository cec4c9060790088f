/**
 * Object use cases: put (inline or blob), get, head, delete, list versions, with S3 versioning.
 * Ordering that keeps acknowledged data safe: bytes durable first (blob commit fsyncs),
 * then the metadata commit, then removal of what the write replaced.
 */
import { createHash } from 'node:crypto';
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
  type ObjectEncryption,
  type ObjectLockRequest,
  type ObjectRetention,
  type ObjectVersionRecord,
  type StoredTag,
} from '../../storage/ports.js';
import { encryptStream, sealValue } from '../../crypto/index.js';
import { decryptInline, encryptBytes, ObjectCrypto, openEncryptedBlobs, type CustomerKey, type SseRequest } from '../encryption/index.js';
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
  /** SSE headers of the write; without them the bucket default (or auto-encryption) applies. */
  sse?: SseRequest | undefined;
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
  /** SSE: the KMS-backed key sealing; absent: no KMS (SSE-C still works). */
  crypto?: ObjectCrypto;
}

export class ObjectService {
  readonly #store: MetadataStore;
  readonly #blobs: BlobStore;
  readonly #clock: Clock;
  readonly #inFlight: Set<string>;
  readonly crypto: ObjectCrypto;

  constructor(deps: ObjectServiceDeps) {
    this.#store = deps.store;
    this.#blobs = deps.blobs;
    this.#clock = deps.clock;
    this.#inFlight = deps.inFlight;
    this.crypto = deps.crypto ?? new ObjectCrypto(undefined);
  }

  async putObject(input: PutObjectInput): Promise<ObjectVersionRecord> {
    assertValidObjectKey(input.key);
    assertUserMetadataSize(input.userMetadata);
    if (input.size !== undefined && input.size > MAX_PUT_OBJECT_BYTES) {
      throw new AppError('EntityTooLarge', { message: 'Your proposed upload exceeds the maximum allowed size', fields: { MaxSizeAllowed: String(MAX_PUT_OBJECT_BYTES) } });
    }
    if (input.expect) evaluateExpectation(await this.#store.getObjectVersion(input.bucket, input.key), input.expect);
    if (input.lock) assertLockAllowed(await this.#bucket(input.bucket), input.lock);
    // The mode is settled (and the object key sealed, KMS errors answered) before any body byte is read.
    const sse = this.crypto.forWrite(input.sse ? undefined : await this.#store.getBucket(input.bucket), input.sse);
    const sealed = sse ? await this.crypto.seal(sse, input.bucket, input.key) : undefined;
    const { data, blobId, digest } = await this.#storeBody(input, sealed?.objectKey);
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
        ...(sealed ? encryptedFields(sealed, digest) : {}),
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

  /** Plaintext passes the taps (MD5, CRC, checksums), then is encrypted when `objectKey` is given. */
  async #storeBody(input: PutObjectInput, objectKey: Buffer | undefined): Promise<{ data: ObjectData; blobId: string | undefined; digest: BodyDigest }> {
    const tap = new BodyTap(input.size ?? MAX_PUT_OBJECT_BYTES);
    if (input.size !== undefined && input.size <= INLINE_THRESHOLD_BYTES) {
      const plain = await collectBody(input.body, tap);
      const digest = verifyBody(input, tap);
      const bytes = objectKey ? encryptBytes(objectKey, plain) : plain;
      const data: ObjectData = bytes.length === 0 ? { kind: 'none' } : { kind: 'inline', bytes };
      return { data, blobId: undefined, digest };
    }
    const writer = await this.#blobs.createWriter();
    let digest: BodyDigest;
    try {
      if (objectKey) await pipeline(input.body, tap, encryptStream(objectKey), writer.stream);
      else await pipeline(input.body, tap, writer.stream);
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

  /**
   * SSE: checks the request's SSE-C key against the version and returns the object key (undefined
   * for a plaintext version). Missing SSE-C key 400, wrong key 403, SSE-C headers on another mode 400.
   */
  async objectKeyFor(record: Pick<ObjectVersionRecord, 'bucket' | 'key' | 'encryption'>, customer: CustomerKey | undefined): Promise<Buffer | undefined> {
    if (!record.encryption) {
      if (customer) throw new AppError('InvalidRequest', { message: 'The encryption parameters are not applicable to this object.' });
      return undefined;
    }
    return this.crypto.unseal(record.encryption, record.bucket, record.key, customer);
  }

  /** The bytes to send for a GET: small inline objects as one Buffer (no stream machinery). */
  async openBody(record: ObjectVersionRecord, range?: ByteRange, customer?: CustomerKey, unsealed?: Buffer): Promise<Readable | Buffer> {
    const data = record.data;
    const objectKey = unsealed ?? (await this.objectKeyFor(record, customer));
    if (objectKey && data.kind === 'inline') return decryptInline(record, objectKey, data.bytes, range);
    if (data.kind === 'none') return Buffer.alloc(0);
    if (data.kind === 'inline') return range ? data.bytes.subarray(range.start, range.end + 1) : data.bytes;
    return this.openData(record, range, customer, objectKey);
  }

  /** `unsealed`: the object key from objectKeyFor, when the caller already checked the request's key. */
  async openData(record: ObjectVersionRecord, range?: ByteRange, customer?: CustomerKey, unsealed?: Buffer): Promise<Readable> {
    const data = record.data;
    const objectKey = unsealed ?? (await this.objectKeyFor(record, customer));
    if (objectKey) {
      if (data.kind === 'inline') return Readable.from([await this.openBody(record, range, customer, objectKey)]);
      if (data.kind === 'none') return Readable.from([]);
      try {
        return await openEncryptedBlobs(this.#blobs, record, objectKey, range);
      } catch (error) {
        if (error instanceof StorageError && error.code === 'NotFound') {
          throw new AppError('StorageCorrupt', { details: { bucket: record.bucket, key: record.key, versionId: record.versionId } });
        }
        throw error;
      }
    }
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

/** The stored encryption of a single-part write; SSE-KMS / SSE-C ETags are not the plaintext MD5 (AWS). */
function encryptedFields(sealed: { objectKey: Buffer; encryption: Omit<ObjectEncryption, 'plainSize'> }, digest: BodyDigest): Pick<ObjectVersionRecord, 'etag' | 'encryption'> {
  const encryption: ObjectEncryption = { ...sealed.encryption, plainSize: digest.size };
  if (encryption.mode === 'SSE-S3') return { etag: `"${digest.md5Hex}"`, encryption };
  encryption.sealedEtag = sealValue(sealed.objectKey, 'etag', Buffer.from(digest.md5Hex, 'hex'));
  return { etag: `"${createHash('md5').update(encryption.sealedEtag).digest('hex')}"`, encryption };
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
