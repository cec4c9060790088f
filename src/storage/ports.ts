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
import type { IamStore } from './ports-iam.js';
import type { EncryptedVersionsPage, EncryptedVersionsQuery, JobStateStore, SealedKeyMaterial, SealedKeySwap } from './ports-rotation.js';
import type { UploadStore } from './ports-uploads.js';

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
  /** Object Lock is on for good (versioning then stays Enabled); set at creation or by PutObjectLockConfiguration. */
  objectLockEnabled: boolean;
  /** PutObjectLockConfiguration's default retention rule; absent when the bucket has none. */
  objectLockDefault?: DefaultRetentionRule | undefined;
  /** PutBucketTagging's tag set, sorted by key; absent when the bucket has none. */
  tags?: StoredTag[];
  /** PutBucketCors rules; undefined when the bucket has no CORS configuration. */
  cors?: BucketCorsRule[] | undefined;
  /** PutBucketPolicy's document exactly as accepted (validated JSON text); absent when none. */
  policy?: string | undefined;
  /** PutBucketEncryption's default rule; absent when the bucket has none. */
  encryption?: BucketEncryptionRule | undefined;
}

/** A bucket's default encryption: applied to writes that carry no SSE headers. */
export interface BucketEncryptionRule {
  algorithm: 'AES256' | 'aws:kms';
  /** aws:kms only: KMSMasterKeyID (without the arn prefix); absent: the KMS default key. */
  kmsKeyId?: string | undefined;
  bucketKeyEnabled?: boolean | undefined;
}

/** Object Lock modes (S3). */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** A bucket's default retention: exactly one of days (1..36500) and years (1..100). */
export interface DefaultRetentionRule {
  mode: ObjectLockMode;
  days?: number | undefined;
  years?: number | undefined;
}

/** One version's retention: it may not be deleted (nor its retention weakened) before retainUntil. */
export interface ObjectRetention {
  mode: ObjectLockMode;
  retainUntil: Date;
}

/** Lock settings a write asks for (headers of PutObject / CopyObject / CreateMultipartUpload). */
export interface ObjectLockRequest {
  retention?: ObjectRetention | undefined;
  legalHold?: 'ON' | 'OFF' | undefined;
}

/** One object or bucket tag. */
export interface StoredTag {
  key: string;
  value: string;
}

/** One stored CORS rule (field for field what PutBucketCors accepted). */
export interface BucketCorsRule {
  id?: string | undefined;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number | undefined;
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
  | { kind: 'parts'; parts: ObjectPartRef[] }
  | { kind: 'none' };

/** One blob of an object completed from a multipart upload; the object is the blobs in order. */
export interface ObjectPartRef {
  blobId: string;
  size: number;
}

/** Server-side encryption modes (AWS: AES256, aws:kms, customer-provided keys). */
export type SseMode = 'SSE-S3' | 'SSE-KMS' | 'SSE-C';

/** An object key sealed by a key-encryption key (src/crypto sealObjectKey); opaque to storage. */
export interface StoredSealedKey {
  iv: string;
  sealed: string;
  algorithm: string;
}

/**
 * How a version (or a multipart upload) is encrypted at rest. Never holds a usable key: the
 * object key is sealed by a KMS data key (SSE-S3 / SSE-KMS, itself sealed by the KMS) or by a key
 * derived from the client's key (SSE-C, of which only the MD5 is kept).
 */
export interface ObjectEncryption {
  mode: SseMode;
  /** SSE-S3 / SSE-KMS: the KMS key id the data key was generated under. */
  keyId?: string | undefined;
  /** SSE-S3 / SSE-KMS: base64 of the KMS ciphertext of the data key. */
  sealedDataKey?: string | undefined;
  /** SSE-KMS: base64 of the client's encryption context JSON, as sent. */
  context?: string | undefined;
  sealedObjectKey: StoredSealedKey;
  /** SSE-C: base64 MD5 of the client key (AWS echoes it); never the key. */
  keyMd5?: string | undefined;
  /** The data is multipart: part n is encrypted with partKey(objectKey, partNumbers[i]). */
  multipart?: true | undefined;
  /** Upload part numbers of the parts in order (multipart objects). */
  partNumbers?: number[] | undefined;
  /** Plaintext size (equals `size`); the stored bytes are longer. */
  plainSize: number;
  /** SSE-KMS / SSE-C: the plaintext MD5 sealed with the object key (the visible ETag is not the MD5). */
  sealedEtag?: string | undefined;
}

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
  /** Per-part checksums (base64, the upload's algorithm), when the upload had one (partNumber GETs). */
  partChecksums?: string[];
  storageClass: string;
  /** The version's tag set (≤ 10, sorted by key); absent when it has none. */
  tags?: StoredTag[];
  /** Object Lock retention; absent when the version never had one (or it was removed). */
  retention?: ObjectRetention | undefined;
  /** Object Lock legal hold; absent when never set. 'ON' blocks deletion regardless of retention. */
  legalHold?: 'ON' | 'OFF' | undefined;
  /** Encryption at rest; absent for a plaintext version. `size`, part sizes stay plaintext sizes. */
  encryption?: ObjectEncryption | undefined;
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
export type ObjectDataLocation = { kind: 'inline' } | { kind: 'blob'; blobId: string } | { kind: 'parts'; parts: ObjectPartRef[] } | { kind: 'none' };

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

export interface ListObjectVersionsQuery {
  bucket: string;
  prefix: string;
  /** Optional delimiter: keys are rolled up into common prefixes. */
  delimiter: string;
  /** Exclusive cursor: '' for none. Alone, every version of this key is skipped. */
  keyMarker: string;
  /** With keyMarker: resume after this version of keyMarker ('' for none). */
  versionIdMarker: string;
  /** Versions, delete markers and common prefixes together. */
  limit: number;
}

export interface ListObjectVersionsPage {
  /** Versions and delete markers: keys in UTF-8 byte order, each key's versions newest first. */
  versions: ObjectVersionSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The cursor for the next page: the last key (or common prefix) returned … */
  nextKeyMarker: string | undefined;
  /** … and the last version of it, undefined when the page ended on a common prefix. */
  nextVersionIdMarker: string | undefined;
}

export interface PutVersionResult {
  /** Versions that the write removed (an overwritten 'null' version), whose blobs the caller unlinks. */
  removed: ObjectVersionRecord[];
  /** Blobs the write released besides `removed` (parts of a completed upload that the object does not use). */
  releasedBlobIds?: string[];
}

/** Options of putObjectVersion, checked and applied inside its one transaction. */
export interface PutVersionOptions {
  /**
   * CompleteMultipartUpload: the upload's rows go in the same transaction as the version goes in,
   * so a crash leaves the object or the resumable upload, never both. NotFound when the upload is
   * gone or a listed part no longer has the listed blob (re-uploaded meanwhile).
   */
  completesUpload?: { uploadId: string; parts: ReadonlyArray<{ partNumber: number; blobId: string; etag?: string }> };
  /**
   * Conditional writes (If-None-Match / If-Match), checked against the key's latest version
   * inside the write transaction; StorageError('PreconditionFailed') when they do not hold and
   * nothing is written. A delete marker counts as no object.
   * noLatest: no current object. latestEtag: the current object has exactly this (quoted) ETag.
   */
  expect?: { noLatest?: true; latestEtag?: string };
}

/** Options of deleteObjectVersion, checked inside its one transaction. */
export interface DeleteVersionOptions {
  /** Conditional delete (If-Match): the key's current, non-delete-marker version has this ETag. */
  expect?: { latestEtag?: string };
  /**
   * The caller sent x-amz-bypass-governance-retention: true AND holds s3:BypassGovernanceRetention:
   * an active GOVERNANCE retention does not stop this delete. Never lifts COMPLIANCE or a legal hold.
   */
  bypassGovernance?: boolean;
}

/** A change of one version's Object Lock state (updateObjectLock); absent fields stay as they are. */
export interface ObjectLockChange {
  /** The new retention; null removes it. */
  retention?: ObjectRetention | null;
  legalHold?: 'ON' | 'OFF';
}

/** Options of updateObjectLock, checked inside its one transaction. */
export interface ObjectLockChangeOptions {
  /** As DeleteVersionOptions.bypassGovernance: may weaken an active GOVERNANCE retention, never COMPLIANCE. */
  bypassGovernance: boolean;
  /** Pins the change to the version the caller read (a 'null' version replaced meanwhile keeps its id). */
  expect?: { etag: string; lastModified: Date };
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
   * or its place among the versions; NotFound if that version does not exist, or if it is no
   * longer the version the record was read from (a 'null' version replaced meanwhile: same id,
   * different ETag or last-modified time).
   */
  updateObjectMetadata(record: ObjectVersionRecord): Promise<void>;
  /**
   * Object Lock: changes one version's retention and/or legal hold, re-checking the lock rules
   * inside the write transaction (Locked when an active retention would be weakened without the
   * right to). NotFound when the version (pinned by `expect`) is gone or is a delete marker.
   * Returns the updated record. updateObjectMetadata never changes lock state; only this does.
   */
  updateObjectLock(bucket: string, key: string, versionId: string, change: ObjectLockChange, options: ObjectLockChangeOptions): Promise<ObjectVersionRecord>;
  /** The latest lastModified any version write carried (undefined before the first): a clock behind it moved backwards. */
  clockHighWater(): Promise<Date | undefined>;
  /**
   * Atomically: demote the key's current latest version, remove the existing 'null' version
   * when the new record's versionId is 'null', insert the record as latest.
   */
  putObjectVersion(record: ObjectVersionRecord, options?: PutVersionOptions): Promise<PutVersionResult>;
  /** The given version, or the latest one (delete marker included) when versionId is undefined. */
  getObjectVersion(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | undefined>;
  /**
   * Removes one version; promotes the next newest to latest. Returns what was removed.
   * Locked when the version is under legal hold or active retention (GOVERNANCE: unless
   * options.bypassGovernance); putObjectVersion likewise refuses to replace a locked 'null' version.
   */
  deleteObjectVersion(bucket: string, key: string, versionId: string, options?: DeleteVersionOptions): Promise<ObjectVersionRecord | undefined>;
  listObjects(query: ListObjectsQuery): Promise<ListObjectsPage>;
  /** Every version and delete marker, for ListObjectVersions; seeks past common prefixes. */
  listObjectVersions(query: ListObjectVersionsQuery): Promise<ListObjectVersionsPage>;
  /** Key rotation: encrypted versions in (bucket, key, versionId) order from a resume point; seeks, never rescans. */
  listEncryptedVersions(query: EncryptedVersionsQuery): Promise<EncryptedVersionsPage>;
  /**
   * Key rotation: in one transaction, replaces the key id, sealed data key and sealed object key
   * of one SSE-S3 / SSE-KMS version with `next` — only if it still holds exactly `expected`
   * (compare-and-swap). Nothing else of the record changes. 'changed' / 'gone': nothing written.
   */
  replaceSealedKey(bucket: string, key: string, versionId: string, expected: SealedKeyMaterial, next: SealedKeyMaterial): Promise<SealedKeySwap>;
  /** Progress records of background jobs (resumable across restarts and processes). */
  readonly jobs: JobStateStore;
  /** Multipart uploads in progress and their parts. */
  readonly uploads: UploadStore;
  /** Users, groups, policies, roles, access keys and STS sessions. */
  readonly iam: IamStore;
  /** For the orphan sweep: which of these blob ids are referenced by some version or upload part. */
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

/** 'Locked': the store refused to drop or replace a version under retention or legal hold. */
export type StorageErrorCode = 'AlreadyExists' | 'NotFound' | 'NotEmpty' | 'Corrupt' | 'NoSpace' | 'Unavailable' | 'PreconditionFailed' | 'Locked';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

export * from './ports-uploads.js';
export * from './ports-iam.js';
export * from './ports-rotation.js';
