/**
 * Stored formats of multipart uploads and parts (JSON in `record` columns, with formatVersion;
 * ids and numbers live in their own columns). Unknown versions are Corrupt, never guessed.
 */
import {
  RECORD_FORMAT_VERSION,
  StorageError,
  type ChecksumAlgorithm,
  type MultipartUploadRecord,
  type ObjectEncryption,
  type ObjectLockRequest,
  type UploadPartRecord,
} from '../ports.js';
import { decodeEncryption, parseVersioned } from './codec.js';

interface StoredUploadV1 {
  formatVersion: 1;
  initiated: string;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  storageClass: string;
  checksum?: { algorithm: ChecksumAlgorithm; type: 'FULL_OBJECT' | 'COMPOSITE' };
  initiator: { id: string; displayName: string };
  /** Optional field added without a format bump: older records simply have no tags. */
  tags?: Array<{ key: string; value: string }>;
  /** Optional field added without a format bump: Object Lock headers given at creation. */
  lock?: { retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: string }; legalHold?: 'ON' | 'OFF' };
  /** Optional field added without a format bump: encryption chosen at creation (sealed keys only). */
  encryption?: ObjectEncryption;
}

interface StoredPartV1 {
  formatVersion: 1;
  size: number;
  etag: string;
  lastModified: string;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  dataCrc32: string;
}

export interface UploadRow {
  bucket: string;
  upload_id: string;
  key: string;
  record: string;
}

export interface PartRow {
  bucket: string;
  upload_id: string;
  part_number: number;
  blob_id: string;
  record: string;
}

export function encodeUpload(upload: MultipartUploadRecord): UploadRow & { initiated: string } {
  const initiated = upload.initiated.toISOString();
  const stored: StoredUploadV1 = {
    formatVersion: RECORD_FORMAT_VERSION,
    initiated,
    contentHeaders: upload.contentHeaders,
    userMetadata: upload.userMetadata,
    storageClass: upload.storageClass,
    ...(upload.checksum ? { checksum: upload.checksum } : {}),
    initiator: upload.initiator,
    ...(upload.tags && upload.tags.length > 0 ? { tags: upload.tags } : {}),
    ...(upload.lock ? { lock: encodeLock(upload.lock) } : {}),
    ...(upload.encryption ? { encryption: upload.encryption } : {}),
  };
  return { bucket: upload.bucket, upload_id: upload.uploadId, key: upload.key, initiated, record: JSON.stringify(stored) };
}

export function decodeUpload(row: UploadRow): MultipartUploadRecord {
  const where = `upload ${JSON.stringify(row.bucket)}/${row.upload_id}`;
  const stored = parseVersioned(row.record, where) as StoredUploadV1;
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    bucket: row.bucket,
    key: row.key,
    uploadId: row.upload_id,
    initiated: date(stored.initiated, where),
    contentHeaders: stored.contentHeaders,
    userMetadata: stored.userMetadata,
    storageClass: stored.storageClass,
    checksum: stored.checksum,
    initiator: stored.initiator,
    ...(stored.tags ? { tags: stored.tags } : {}),
    ...(stored.lock ? { lock: decodeLock(stored.lock, where) } : {}),
    ...(stored.encryption !== undefined ? { encryption: decodeEncryption(stored.encryption, where) } : {}),
  };
}

function encodeLock(lock: ObjectLockRequest): NonNullable<StoredUploadV1['lock']> {
  return {
    ...(lock.retention ? { retention: { mode: lock.retention.mode, retainUntil: lock.retention.retainUntil.toISOString() } } : {}),
    ...(lock.legalHold ? { legalHold: lock.legalHold } : {}),
  };
}

function decodeLock(stored: NonNullable<StoredUploadV1['lock']>, where: string): ObjectLockRequest {
  const mode = stored.retention?.mode;
  if (stored.retention && mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new StorageError('Corrupt', `${where}: invalid retention mode`);
  if (stored.legalHold !== undefined && stored.legalHold !== 'ON' && stored.legalHold !== 'OFF') throw new StorageError('Corrupt', `${where}: invalid legal hold`);
  return {
    ...(stored.retention ? { retention: { mode: stored.retention.mode, retainUntil: date(stored.retention.retainUntil, where) } } : {}),
    ...(stored.legalHold ? { legalHold: stored.legalHold } : {}),
  };
}

export function encodePart(part: UploadPartRecord): PartRow {
  const stored: StoredPartV1 = {
    formatVersion: RECORD_FORMAT_VERSION,
    size: part.size,
    etag: part.etag,
    lastModified: part.lastModified.toISOString(),
    ...(part.checksum ? { checksum: part.checksum } : {}),
    dataCrc32: part.dataCrc32,
  };
  return { bucket: part.bucket, upload_id: part.uploadId, part_number: part.partNumber, blob_id: part.blobId, record: JSON.stringify(stored) };
}

export function decodePart(row: PartRow): UploadPartRecord {
  const where = `upload ${JSON.stringify(row.bucket)}/${row.upload_id} part ${row.part_number}`;
  const stored = parseVersioned(row.record, where) as StoredPartV1;
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    bucket: row.bucket,
    uploadId: row.upload_id,
    partNumber: Number(row.part_number),
    blobId: row.blob_id,
    size: stored.size,
    etag: stored.etag,
    lastModified: date(stored.lastModified, where),
    checksum: stored.checksum,
    dataCrc32: stored.dataCrc32,
  };
}


function date(iso: string, where: string): Date {
  const value = new Date(iso);
  if (Number.isNaN(value.getTime())) throw new StorageError('Corrupt', `${where}: invalid date`);
  return value;
}
