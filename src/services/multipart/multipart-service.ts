/**
 * Multipart uploads: create, upload parts (each its own durable blob), copy parts from objects,
 * complete (the new version points at the part blobs in order: no data is copied), abort, list,
 * and expiry of abandoned uploads. Ordering keeps acknowledged data safe as for PutObject: blob
 * durable → metadata commit → unlink of what the commit released.
 */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, type Clock } from '../../core/index.js';
import { assertUserMetadataSize, assertValidObjectKey, versionIdForWrite } from '../../domain/index.js';
import {
  RECORD_FORMAT_VERSION,
  StorageError,
  type BlobStore,
  type ListUploadsPage,
  type ListUploadsQuery,
  type MetadataStore,
  type MultipartUploadRecord,
  type ObjectChecksum,
  type ObjectVersionRecord,
  type PutVersionOptions,
  type UploadPartRecord,
} from '../../storage/ports.js';
import { encryptStream, partKey } from '../../crypto/index.js';
import { ObjectCrypto, type CustomerKey, type SseRequest } from '../encryption/index.js';
import { BodyTap, evaluateExpectation, lockForWrite, mapLocked } from '../objects/index.js';
import type { ChecksumKit } from './checksum-kit.js';
import { assertPartOrder, combinedCrc32, MAX_OBJECT_BYTES, MAX_PART_BYTES, multipartEtag, objectChecksum, selectParts, type CompletePartInput } from './complete.js';
import { isPlausibleUploadId, newUploadId } from './upload-id.js';

export interface MultipartServiceDeps {
  store: MetadataStore;
  blobs: BlobStore;
  clock: Clock;
  /** Shared with ObjectService and the orphan sweep: committed blobs not yet in metadata. */
  inFlight: Set<string>;
  checksums: ChecksumKit;
  /** SSE key sealing (shared with ObjectService); absent: no KMS. */
  crypto?: ObjectCrypto;
}

/** `lock`: Object Lock headers, refused on a bucket without Object Lock; kept with the upload for completion. */
export type CreateUploadInput = Pick<MultipartUploadRecord, 'bucket' | 'key' | 'contentHeaders' | 'userMetadata' | 'storageClass' | 'checksum' | 'initiator' | 'tags' | 'lock'> & {
  /** SSE headers of CreateMultipartUpload; without them the bucket default applies. */
  sse?: SseRequest | undefined;
};

export interface PartBodyInput {
  upload: MultipartUploadRecord;
  partNumber: number;
  body: Readable;
  /** Declared length; undefined only for a plain chunked transfer (capped at 5 GiB). */
  size: number | undefined;
  contentMd5: string | undefined;
  /** Runs after the last byte and before the commit: verifies the client's checksum. */
  afterBody?: () => ObjectChecksum | undefined;
  /** SSE-C uploads: the key again (AWS requires it on every UploadPart). */
  customer?: CustomerKey | undefined;
}

export interface CompleteInput {
  bucket: string;
  key: string;
  uploadId: string;
  parts: CompletePartInput[];
  /** x-amz-checksum-<alg> sent with the complete request: the expected object checksum. */
  expectedChecksum?: { algorithm: string; value: string };
  /** x-amz-mp-object-size: the expected object size. */
  expectedSize?: number;
  /** Conditional complete (If-Match / If-None-Match), checked in the commit transaction. */
  putOptions?: Omit<PutVersionOptions, 'completesUpload'>;
}

export interface ListPartsResult {
  upload: MultipartUploadRecord;
  parts: UploadPartRecord[];
  isTruncated: boolean;
  nextPartNumberMarker: number | undefined;
}

export class MultipartService {
  readonly #store: MetadataStore;
  readonly #blobs: BlobStore;
  readonly #clock: Clock;
  readonly #inFlight: Set<string>;
  readonly #checksums: ChecksumKit;
  readonly #crypto: ObjectCrypto;

  constructor(deps: MultipartServiceDeps) {
    this.#crypto = deps.crypto ?? new ObjectCrypto(undefined);
    this.#store = deps.store;
    this.#blobs = deps.blobs;
    this.#clock = deps.clock;
    this.#inFlight = deps.inFlight;
    this.#checksums = deps.checksums;
  }

  async createUpload(input: CreateUploadInput): Promise<MultipartUploadRecord> {
    assertValidObjectKey(input.key);
    assertUserMetadataSize(input.userMetadata);
    const now = this.#clock.now();
    if (input.lock) {
      const bucket = await this.#store.getBucket(input.bucket);
      if (!bucket) throw new AppError('NoSuchBucket');
      // Also judges a requested retention date against now (it must be in the future).
      lockForWrite(bucket, input.lock, now);
    }
    const { lock, sse: requested, ...rest } = input;
    const hasLock = lock !== undefined && (lock.retention !== undefined || lock.legalHold !== undefined);
    // The mode and the object key are chosen now and sealed with the upload; parts derive their keys from it.
    const sse = this.#crypto.forWrite(requested ? undefined : await this.#store.getBucket(input.bucket), requested);
    const sealed = sse ? await this.#crypto.seal(sse, input.bucket, input.key) : undefined;
    const upload: MultipartUploadRecord = {
      formatVersion: RECORD_FORMAT_VERSION,
      ...rest,
      ...(hasLock ? { lock } : {}),
      ...(sealed ? { encryption: { ...sealed.encryption, multipart: true, plainSize: 0 } } : {}),
      uploadId: newUploadId(now),
      initiated: now,
    };
    try {
      await this.#store.uploads.createUpload(upload);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket');
      throw error;
    }
    return upload;
  }

  /** The upload, which must belong to this key; NoSuchUpload otherwise. */
  async getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord> {
    const upload = isPlausibleUploadId(uploadId) ? await this.#store.uploads.getUpload(bucket, uploadId) : undefined;
    if (!upload || upload.key !== key) throw noSuchUpload();
    return upload;
  }

  async uploadPart(input: PartBodyInput): Promise<UploadPartRecord> {
    if (input.size !== undefined && input.size > MAX_PART_BYTES) {
      throw new AppError('EntityTooLarge', { message: 'Your proposed upload exceeds the maximum allowed size', fields: { MaxSizeAllowed: String(MAX_PART_BYTES) } });
    }
    const key = await this.#partKey(input.upload, input.partNumber, input.customer);
    return this.#storePart(input.upload, input.partNumber, input.body, input.size ?? MAX_PART_BYTES, key, (tap) => {
      if (input.size !== undefined && tap.bytes !== input.size) {
        throw new AppError('IncompleteBody', { message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' });
      }
      return input.afterBody?.();
    }, input.contentMd5);
  }

  /** UploadPartCopy: the part is a new blob holding `source` (or the range of it) that was read. */
  async copyPart(upload: MultipartUploadRecord, partNumber: number, data: Readable, length: number, customer?: CustomerKey): Promise<UploadPartRecord> {
    if (length > MAX_PART_BYTES) {
      throw new AppError('InvalidRequest', { message: 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120' });
    }
    const hasher = upload.checksum ? this.#checksums.create(upload.checksum.algorithm) : undefined;
    const algorithm = upload.checksum?.algorithm;
    const key = await this.#partKey(upload, partNumber, customer);
    return this.#storePart(upload, partNumber, data, length, key, (tap) => {
      if (tap.bytes !== length) throw new AppError('InternalError', { details: { reason: 'copy source shorter than its record', expected: length, read: tap.bytes } });
      return hasher && algorithm ? { algorithm, value: hasher.digest().toString('base64'), type: 'FULL_OBJECT' } : undefined;
    }, undefined, hasher);
  }

  /** SSE uploads: the part's key (SSE-C: the request must carry the upload's key); undefined otherwise. */
  async #partKey(upload: MultipartUploadRecord, partNumber: number, customer: CustomerKey | undefined): Promise<Buffer | undefined> {
    if (!upload.encryption) {
      if (customer) throw new AppError('InvalidRequest', { message: 'The multipart upload was not initiated with SSE-C: the encryption parameters are not applicable.' });
      return undefined;
    }
    if (upload.encryption.mode === 'SSE-C' && !customer) {
      throw new AppError('InvalidRequest', { message: 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.' });
    }
    const objectKey = await this.#crypto.unseal(upload.encryption, upload.bucket, upload.key, customer);
    return partKey(objectKey, partNumber);
  }

  async #storePart(
    upload: MultipartUploadRecord,
    partNumber: number,
    body: Readable,
    limit: number,
    key: Buffer | undefined,
    verify: (tap: BodyTap) => ObjectChecksum | undefined,
    contentMd5: string | undefined,
    hasher?: { update(bytes: Buffer): void },
  ): Promise<UploadPartRecord> {
    const tap = new BodyTap(limit);
    const writer = await this.#blobs.createWriter();
    let checksum: ObjectChecksum | undefined;
    let md5: Buffer;
    try {
      // Taps see plaintext; the part blob holds the part's own encrypted stream.
      const stages: NodeJS.ReadWriteStream[] = [...(hasher ? [hashing(hasher)] : []), tap, ...(key ? [encryptStream(key)] : [])];
      await pipeline([body, ...stages, writer.stream]);
      checksum = verify(tap);
      md5 = tap.md5();
      if (contentMd5 !== undefined && md5.toString('base64') !== contentMd5) {
        throw new AppError('BadDigest', { message: 'The Content-MD5 you specified did not match what we received.' });
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const { blobId } = await writer.commit();
    this.#inFlight.add(blobId);
    const part: UploadPartRecord = {
      formatVersion: RECORD_FORMAT_VERSION,
      bucket: upload.bucket,
      uploadId: upload.uploadId,
      partNumber,
      blobId,
      size: tap.bytes,
      etag: `"${md5.toString('hex')}"`,
      lastModified: this.#clock.now(),
      checksum: checksum ? { algorithm: checksum.algorithm, value: checksum.value } : undefined,
      dataCrc32: tap.crc32Hex(),
    };
    try {
      const replaced = await this.#store.uploads.putPart(part);
      if (replaced) await this.#blobs.delete(replaced.blobId).catch(() => undefined);
      return part;
    } catch (error) {
      await this.#blobs.delete(blobId).catch(() => undefined);
      if (error instanceof StorageError && error.code === 'NotFound') throw noSuchUpload();
      throw error;
    } finally {
      this.#inFlight.delete(blobId);
    }
  }

  async completeUpload(input: CompleteInput): Promise<ObjectVersionRecord> {
    let upload: MultipartUploadRecord;
    try {
      upload = await this.getUpload(input.bucket, input.key, input.uploadId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NoSuchUpload') {
        const repeated = await this.#repeatedCompletion(input);
        if (repeated) return repeated;
      }
      throw error;
    }
    assertPartOrder(input.parts);
    const stored = new Map<number, UploadPartRecord>();
    for (let after = 0; ; ) {
      const page = await this.#store.uploads.listParts(input.bucket, input.uploadId, after, 1000);
      for (const part of page) stored.set(part.partNumber, part);
      if (page.length < 1000) break;
      after = (page.at(-1) as UploadPartRecord).partNumber;
    }
    const parts = selectParts(upload, input.parts, stored);
    const size = parts.reduce((sum, part) => sum + part.size, 0);
    if (size > MAX_OBJECT_BYTES) throw new AppError('EntityTooLarge', { fields: { MaxSizeAllowed: String(MAX_OBJECT_BYTES) } });
    if (input.expectedSize !== undefined && input.expectedSize !== size) {
      throw new AppError('InvalidRequest', { message: `The provided 'x-amz-mp-object-size' header value ${input.expectedSize} does not match what was computed: ${size}` });
    }
    const checksum = objectChecksum(this.#checksums, upload, parts);
    assertExpectedChecksum(input.expectedChecksum, checksum);
    const expect = input.putOptions?.expect;
    // Checked here to name the failure (404 vs 412), and again inside the commit transaction.
    if (expect) evaluateExpectation(await this.#store.getObjectVersion(input.bucket, input.key), expect);
    const bucket = await this.#store.getBucket(input.bucket);
    if (!bucket) throw new AppError('NoSuchBucket');
    const now = this.#clock.now();
    const record: ObjectVersionRecord = {
      formatVersion: RECORD_FORMAT_VERSION,
      bucket: input.bucket,
      key: input.key,
      versionId: versionIdForWrite(bucket.versioning),
      isLatest: true,
      isDeleteMarker: false,
      size,
      etag: multipartEtag(parts),
      lastModified: now,
      contentHeaders: upload.contentHeaders,
      userMetadata: upload.userMetadata,
      checksum,
      dataCrc32: combinedCrc32(this.#checksums, parts),
      data: { kind: 'parts', parts: parts.map((part) => ({ blobId: part.blobId, size: part.size })) },
      partSizes: parts.map((part) => part.size),
      ...(checksum && parts.every((part) => part.checksum?.algorithm === checksum.algorithm)
        ? { partChecksums: parts.map((part) => part.checksum?.value as string) }
        : {}),
      storageClass: upload.storageClass,
      ...(upload.tags && upload.tags.length > 0 ? { tags: upload.tags } : {}),
      // The upload's lock headers, else the bucket default as it is at completion.
      ...lockForWrite(bucket, upload.lock, now, false),
      ...(upload.encryption ? { encryption: { ...upload.encryption, multipart: true as const, partNumbers: parts.map((p) => p.partNumber), plainSize: size } } : {}),
    };
    let result;
    try {
      result = await mapLocked(record, () =>
        this.#store.putObjectVersion(record, {
          ...input.putOptions,
          completesUpload: { uploadId: input.uploadId, parts: parts.map((p) => ({ partNumber: p.partNumber, blobId: p.blobId, etag: p.etag })) },
        }),
      );
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') {
        // The upload was completed or aborted meanwhile, or a part was uploaded again.
        if (!(await this.#store.uploads.getUpload(input.bucket, input.uploadId))) throw noSuchUpload();
        throw new AppError('InvalidPart');
      }
      if (error instanceof StorageError && error.code === 'PreconditionFailed' && expect) {
        evaluateExpectation(await this.#store.getObjectVersion(input.bucket, input.key), expect);
        throw new AppError('PreconditionFailed');
      }
      throw error;
    }
    const released = [...(result.releasedBlobIds ?? [])];
    for (const removed of result.removed) {
      if (removed.data.kind === 'blob') released.push(removed.data.blobId);
      if (removed.data.kind === 'parts') released.push(...removed.data.parts.map((p) => p.blobId));
    }
    for (const blobId of released) await this.#blobs.delete(blobId).catch(() => undefined);
    return record;
  }

  /**
   * S3 answers a CompleteMultipartUpload of an upload it already completed with the same result,
   * as long as the request names the same key and the same parts and the version it made still
   * exists (completions are remembered as long as abandoned uploads are: see expireUploads).
   */
  async #repeatedCompletion(input: CompleteInput): Promise<ObjectVersionRecord | undefined> {
    if (!isPlausibleUploadId(input.uploadId)) return undefined;
    const done = await this.#store.uploads.getCompletedUpload(input.bucket, input.uploadId);
    if (!done || done.key !== input.key) return undefined;
    const unquote = (etag: string): string => etag.trim().replace(/^"(.*)"$/, '$1');
    const same =
      done.parts.length === input.parts.length &&
      done.parts.every((part, i) => part.partNumber === input.parts[i]?.partNumber && unquote(part.etag) === unquote(input.parts[i].etag));
    if (!same) return undefined;
    const version = await this.#store.getObjectVersion(input.bucket, input.key, done.versionId);
    if (!version || version.isDeleteMarker || version.etag !== done.etag) return undefined;
    return version;
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.getUpload(bucket, key, uploadId);
    const parts = await this.#store.uploads.deleteUpload(bucket, uploadId);
    if (!parts) throw noSuchUpload();
    for (const part of parts) await this.#blobs.delete(part.blobId).catch(() => undefined);
  }

  async listParts(bucket: string, key: string, uploadId: string, afterPartNumber: number, maxParts: number): Promise<ListPartsResult> {
    const upload = await this.getUpload(bucket, key, uploadId);
    const page = await this.#store.uploads.listParts(bucket, uploadId, afterPartNumber, maxParts + 1);
    const parts = page.slice(0, maxParts);
    const isTruncated = page.length > maxParts;
    return { upload, parts, isTruncated, nextPartNumberMarker: parts.at(-1)?.partNumber };
  }

  async listUploads(query: ListUploadsQuery): Promise<ListUploadsPage> {
    return this.#store.uploads.listUploads(query);
  }

  /** Aborts every upload initiated before `cutoff`; returns how many. */
  async expireUploads(cutoff: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.#store.uploads.listUploadsInitiatedBefore(cutoff, 100);
      for (const upload of batch) {
        const parts = await this.#store.uploads.deleteUpload(upload.bucket, upload.uploadId);
        if (!parts) continue;
        expired++;
        for (const part of parts) await this.#blobs.delete(part.blobId).catch(() => undefined);
      }
      if (batch.length < 100) break;
    }
    // Completions are remembered for the same time as unfinished uploads are kept.
    await this.#store.uploads.deleteCompletedUploadsBefore(cutoff);
    return expired;
  }
}

function hashing(hasher: { update(bytes: Buffer): void }): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
  });
}

function noSuchUpload(): AppError {
  return new AppError('NoSuchUpload');
}

function assertExpectedChecksum(expected: CompleteInput['expectedChecksum'], actual: ObjectChecksum | undefined): void {
  if (!expected) return;
  if (!actual || actual.algorithm !== expected.algorithm) {
    throw new AppError('InvalidRequest', { message: `The upload was not created with a ${expected.algorithm.toLowerCase()} checksum.` });
  }
  const bare = actual.value.replace(/-\d+$/, '');
  if (expected.value !== actual.value && expected.value !== bare) {
    throw new AppError('BadDigest', { message: `The ${actual.algorithm} you specified did not match the calculated checksum.` });
  }
}
