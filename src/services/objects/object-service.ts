/**
 * Object use cases for the unversioned foundation: put (inline or blob), get, head, delete.
 * Ordering that keeps acknowledged data safe: bytes durable first (blob commit fsyncs),
 * then the metadata commit, then removal of what the write replaced.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, type Clock } from '../../core/index.js';
import { assertUserMetadataSize, assertValidObjectKey } from '../../domain/index.js';
import {
  RECORD_FORMAT_VERSION,
  StorageError,
  type BlobStore,
  type ByteRange,
  type ListObjectsPage,
  type ListObjectsQuery,
  type MetadataStore,
  type ObjectChecksum,
  type ObjectData,
  type ObjectVersionRecord,
} from '../../storage/ports.js';
import { BodyTap, BufferSink } from './body-tap.js';

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
    const { data, blobId, digest } = await this.#storeBody(input);
    try {
      const record: ObjectVersionRecord = {
        formatVersion: RECORD_FORMAT_VERSION,
        bucket: input.bucket,
        key: input.key,
        versionId: 'null',
        isLatest: true,
        isDeleteMarker: false,
        size: digest.size,
        etag: `"${digest.md5Hex}"`,
        lastModified: this.#clock.now(),
        contentHeaders: input.contentHeaders,
        userMetadata: input.userMetadata,
        checksum: digest.checksum,
        dataCrc32: digest.crc32Hex,
        data,
        partSizes: undefined,
        storageClass: input.storageClass,
      };
      const { removed } = await this.#store.putObjectVersion(record);
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
      const sink = new BufferSink();
      await pipeline(input.body, tap, sink);
      const digest = verifyBody(input, tap);
      const bytes = sink.result();
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
    const record = await this.#store.getObjectVersion(bucket, key, versionId);
    if (!record) {
      if (versionId !== undefined) throw new AppError('NoSuchVersion', { message: 'The specified version does not exist.' });
      throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
    }
    if (record.isDeleteMarker && versionId === undefined) {
      throw new AppError('NoSuchKey', { message: 'The specified key does not exist.', headers: { 'x-amz-delete-marker': 'true' } });
    }
    return record;
  }

  async openData(record: ObjectVersionRecord, range?: ByteRange): Promise<Readable> {
    const data = record.data;
    if (data.kind === 'none') return Readable.from([]);
    if (data.kind === 'inline') {
      const bytes = range ? data.bytes.subarray(range.start, range.end + 1) : data.bytes;
      return Readable.from([bytes]);
    }
    try {
      return await this.#blobs.read(data.blobId, range);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') {
        throw new AppError('StorageCorrupt', { details: { bucket: record.bucket, blobId: data.blobId } });
      }
      throw error;
    }
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsPage> {
    return this.#store.listObjects(query);
  }

  /** Unversioned delete: removes the 'null' version if there is one. Idempotent, as in S3. */
  async deleteObject(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | undefined> {
    assertValidObjectKey(key);
    const removed = await this.#store.deleteObjectVersion(bucket, key, versionId ?? 'null');
    if (removed) await this.#removeData([removed]);
    return removed;
  }

  async #removeData(records: ObjectVersionRecord[]): Promise<void> {
    for (const record of records) {
      if (record.data.kind === 'blob') await this.#blobs.delete(record.data.blobId).catch(() => undefined);
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
