/**
 * Storage ports. Services talk to these two interfaces only; app/ picks the implementations.
 *
 * Crash-consistency contract (ARCHITECTURE.md "Object data"):
 *  - BlobStore writes go to a temp file, are fsynced, renamed into place and the directory is
 *    fsynced before `commit()` resolves. Only then does the service commit metadata.
 *  - Metadata is the source of truth: a blob no metadata row references is an orphan and is
 *    removed by the sweep; a row never references a blob that was not durably committed.
 *  - Deleting: metadata first, blob unlink after. A crash in between leaves an orphan only.
 * Storage never speaks HTTP or S3 error codes: it throws StorageError with its own conditions.
 */
import type { Readable } from 'node:stream';

export const RECORD_FORMAT_VERSION = 1 as const;

export type VersioningState = 'Unversioned' | 'Enabled' | 'Suspended';

export interface BucketRecord {
  formatVersion: typeof RECORD_FORMAT_VERSION;
  name: string;
  /** Canonical id of the owning account. */
  owner: string;
  region: string;
  createdAt: Date;
  versioning: VersioningState;
  objectLockEnabled: boolean;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64 of the digest, as S3 returns it. */
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** Where the bytes live: inline in the metadata row (small objects) or in a blob file. */
export type ObjectData =
  | { kind: 'inline'; bytes: Buffer }
  | { kind: 'blob'; blobId: string }
  | { kind: 'none' };

export interface ObjectVersionRecord {
  formatVersion: typeof RECORD_FORMAT_VERSION;
  bucket: string;
  key: string;
  /** 'null' for objects written while the bucket is unversioned or suspended. */
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  size: number;
  /** Quoted ETag as S3 returns it, e.g. "\"9b2cf535f27731c974343645a3985328\"". */
  etag: string;
  lastModified: Date;
  /** Standard content headers that are stored and returned (content-type, cache-control, …). */
  contentHeaders: Record<string, string>;
  /** x-amz-meta-* keys, lower-case, without the prefix. */
  userMetadata: Record<string, string>;
  checksum: ObjectChecksum | undefined;
  /** CRC32 (zlib polynomial) of the stored bytes as 8 hex chars, for bitrot detection by scrub. */
  dataCrc32: string;
  data: ObjectData;
  /** Per-part sizes when the object came from a multipart upload (for partNumber GETs). */
  partSizes: number[] | undefined;
  storageClass: string;
}

export interface ListObjectsQuery {
  bucket: string;
  prefix: string;
  /** Exclusive lower bound (marker / start-after / continuation token); '' for none. */
  after: string;
  /** Optional delimiter: keys are rolled up into common prefixes. */
  delimiter: string;
  limit: number;
}

/** Where a listed version's bytes live, without the bytes themselves. */
export type ObjectDataLocation = { kind: 'inline' } | { kind: 'blob'; blobId: string } | { kind: 'none' };

/**
 * A version as a listing returns it: the full record except inline bytes. A page of 1,000
 * inline objects would otherwise load up to 1,000 × the inline threshold into memory.
 */
export type ObjectVersionSummary = Omit<ObjectVersionRecord, 'data'> & { data: ObjectDataLocation };

export interface ListObjectsPage {
  /** Latest, non-delete-marker versions, in UTF-8 byte order of key. */
  objects: ObjectVersionSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: the cursor for the next page. */
  nextAfter: string | undefined;
}

export interface PutVersionResult {
  /** Versions that the write removed (an overwritten 'null' version), whose blobs the caller unlinks. */
  removed: ObjectVersionRecord[];
}

export interface MetadataStore {
  createBucket(bucket: BucketRecord): Promise<void>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  listBuckets(): Promise<BucketRecord[]>;
  /** Throws StorageError('NotEmpty') when any version or delete marker remains. */
  deleteBucket(name: string): Promise<void>;
  /** Replaces a bucket's stored record (versioning state, configuration); NotFound if missing. */
  updateBucket(bucket: BucketRecord): Promise<void>;
  /**
   * Replaces the metadata of one existing version (tags, and later retention), never its data
   * or its place among the versions; NotFound if that version does not exist.
   */
  updateObjectMetadata(record: ObjectVersionRecord): Promise<void>;
  /**
   * Atomically: demote the key's current latest version, remove the existing 'null' version
   * when the new record's versionId is 'null', insert the record as latest.
   */
  putObjectVersion(record: ObjectVersionRecord): Promise<PutVersionResult>;
  /** The given version, or the latest one (delete marker included) when versionId is undefined. */
  getObjectVersion(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | undefined>;
  /** Removes one version; promotes the next newest to latest. Returns what was removed. */
  deleteObjectVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersionRecord | undefined>;
  listObjects(query: ListObjectsQuery): Promise<ListObjectsPage>;
  /** For the orphan sweep: which of these blob ids are referenced by some version. */
  referencedBlobIds(blobIds: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

export interface ByteRange {
  /** Inclusive start and end offsets. */
  start: number;
  end: number;
}

export interface BlobWriter {
  /** The temp file stream: write through stream/promises.pipeline for back-pressure. */
  readonly stream: NodeJS.WritableStream;
  /** fsync + rename + fsync dir; resolves with the permanent blob id and size written. */
  commit(): Promise<{ blobId: string; size: number }>;
  /** Removes the temp file; safe to call after a failed pipeline or twice. */
  abort(): Promise<void>;
}

export interface BlobStore {
  createWriter(): Promise<BlobWriter>;
  /** Throws StorageError('NotFound') when the blob is missing. */
  read(blobId: string, range?: ByteRange): Promise<Readable>;
  delete(blobId: string): Promise<void>;
  /**
   * Deletes leftover temp files and blobs not referenced by metadata.
   * Blobs younger than `minAgeMs` and ids in `inFlight` are kept (uploads between commit and metadata).
   */
  sweepOrphans(options: {
    isReferenced: (blobIds: string[]) => Promise<Set<string>>;
    minAgeMs: number;
    inFlight: ReadonlySet<string>;
  }): Promise<{ removedBlobs: number; removedTemps: number }>;
}

export type StorageErrorCode = 'AlreadyExists' | 'NotFound' | 'NotEmpty' | 'Corrupt' | 'NoSpace' | 'Unavailable';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}
