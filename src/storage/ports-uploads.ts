/** Storage ports, part 2: multipart uploads in progress and completed ones (re-exported by ports.ts). */
import type { ChecksumAlgorithm, ObjectEncryption, ObjectLockRequest, RECORD_FORMAT_VERSION, StoredTag } from './ports.js';

/** A multipart upload in progress (CreateMultipartUpload until Complete or Abort). */
export interface MultipartUploadRecord {
  formatVersion: typeof RECORD_FORMAT_VERSION;
  bucket: string;
  key: string;
  /** Sorts by initiation time, so (key, uploadId) order is S3's listing order. */
  uploadId: string;
  initiated: Date;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  storageClass: string;
  /** x-amz-checksum-algorithm / -type given at creation; every part then carries this checksum. */
  checksum: { algorithm: ChecksumAlgorithm; type: 'FULL_OBJECT' | 'COMPOSITE' } | undefined;
  initiator: { id: string; displayName: string };
  /** x-amz-tagging given at creation; the completed object carries it. Absent: no tags. */
  tags?: StoredTag[] | undefined;
  /** Lock headers given at creation; the completed object carries them (else the bucket default). */
  lock?: ObjectLockRequest | undefined;
  /** Chosen at creation and sealed with the upload: every part is encrypted with a key derived from it (plainSize 0). */
  encryption?: ObjectEncryption | undefined;
}

/** One uploaded part: its own durable blob. */
export interface UploadPartRecord {
  formatVersion: typeof RECORD_FORMAT_VERSION;
  bucket: string;
  uploadId: string;
  partNumber: number;
  blobId: string;
  size: number;
  /** Quoted MD5 hex, as S3 returns it. */
  etag: string;
  lastModified: Date;
  /** The part's checksum in the upload's algorithm (or the one the client sent), base64. */
  checksum: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  dataCrc32: string;
}

export interface ListUploadsQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  /** Exclusive cursor; alone, every upload of this key is skipped. '' for none. */
  keyMarker: string;
  /** With keyMarker: resume after this upload of keyMarker. '' for none. */
  uploadIdMarker: string;
  /** Uploads and common prefixes together. */
  limit: number;
}

export interface ListUploadsPage {
  /** Keys in UTF-8 byte order, a key's uploads oldest first. */
  uploads: MultipartUploadRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextUploadIdMarker: string | undefined;
}

/** A completed multipart upload, kept for a bounded time so that a repeated completion succeeds. */
export interface CompletedUploadRecord {
  bucket: string;
  uploadId: string;
  key: string;
  versionId: string;
  /** Quoted multipart ETag of the version the completion made. */
  etag: string;
  completed: Date;
  /** The parts as the completion listed them (quoted ETags). */
  parts: Array<{ partNumber: number; etag: string }>;
}

export interface UploadStore {
  /** AlreadyExists when the id is taken; NotFound when the bucket does not exist. */
  createUpload(upload: MultipartUploadRecord): Promise<void>;
  getUpload(bucket: string, uploadId: string): Promise<MultipartUploadRecord | undefined>;
  /** Inserts or replaces a part; returns the part it replaced. NotFound when the upload is gone. */
  putPart(part: UploadPartRecord): Promise<UploadPartRecord | undefined>;
  /** Parts in ascending number, after `afterPartNumber` (0 for all), at most `limit`. */
  listParts(bucket: string, uploadId: string, afterPartNumber: number, limit: number): Promise<UploadPartRecord[]>;
  /** Removes the upload and its parts in one transaction; returns the removed parts, or undefined if there was no upload. */
  deleteUpload(bucket: string, uploadId: string): Promise<UploadPartRecord[] | undefined>;
  listUploads(query: ListUploadsQuery): Promise<ListUploadsPage>;
  /** Uploads initiated before `before`, oldest first (abandoned-upload expiry). */
  listUploadsInitiatedBefore(before: Date, limit: number): Promise<Array<{ bucket: string; key: string; uploadId: string }>>;
  /** The record putObjectVersion's completesUpload left (written in the same transaction). */
  getCompletedUpload(bucket: string, uploadId: string): Promise<CompletedUploadRecord | undefined>;
  /** Forgets completions older than `before`; returns how many. */
  deleteCompletedUploadsBefore(before: Date): Promise<number>;
}
