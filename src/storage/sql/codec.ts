/**
 * Stored record formats. The JSON in `record` columns is a persisted format, separate from the
 * in-memory types: it carries `formatVersion`, dates as ISO strings and no bytes (inline data
 * lives in the BLOB column, the blob id in its own column). Reading a format this code does not
 * know throws StorageError('Corrupt') instead of guessing.
 */
import {
  RECORD_FORMAT_VERSION,
  StorageError,
  type BucketCorsRule,
  type BucketRecord,
  type BucketEncryptionRule,
  type DefaultRetentionRule,
  type ObjectEncryption,
  type ObjectChecksum,
  type ObjectData,
  type ObjectDataLocation,
  type ObjectVersionRecord,
  type ObjectRetention,
  type ObjectVersionSummary,
  type StoredTag,
  type VersioningState,
} from '../ports.js';
import type { ObjectRow, ObjectSummaryRow } from './schema.js';

interface StoredBucketV1 {
  formatVersion: 1;
  owner: string;
  region: string;
  createdAt: string;
  versioning: VersioningState;
  objectLockEnabled: boolean;
  /** Added within format 1 as an optional field: records written before it have no CORS rules. */
  cors?: BucketCorsRule[];
  /** Added within format 1 as an optional field: [key, value] pairs sorted by key. */
  tags?: Array<[string, string]>;
  /** Added within format 1 as an optional field: the bucket policy text as accepted. */
  policy?: string;
  /** Added within format 1 as an optional field: PutObjectLockConfiguration's default rule. */
  objectLockDefault?: DefaultRetentionRule;
  /** Added within format 1 as an optional field: PutBucketEncryption's default rule. */
  encryption?: BucketEncryptionRule;
}

interface StoredObjectV1 {
  formatVersion: 1;
  size: number;
  etag: string;
  lastModified: string;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  checksum?: ObjectChecksum;
  dataCrc32: string;
  dataKind: ObjectData['kind'];
  /** dataKind 'parts': [blobId, size] of each part blob, in order. */
  dataParts?: Array<[string, number]>;
  partSizes?: number[];
  /** Added within format 1 as an optional field: base64 checksum of each part, in order. */
  partChecksums?: string[];
  storageClass: string;
  /** Added within format 1 as an optional field (records written before it have no tags): [key, value] pairs sorted by key. */
  tags?: Array<[string, string]>;
  /** Added within format 1 as an optional field: Object Lock retention (mirrored in lock_mode / retain_until_ms). */
  retention?: { mode: ObjectRetention['mode']; retainUntil: string };
  /** Added within format 1 as an optional field: Object Lock legal hold (mirrored in legal_hold). */
  legalHold?: 'ON' | 'OFF';
  /** Added within format 1 as an optional field: encryption at rest (sealed keys only). */
  encryption?: ObjectEncryption;
}

export interface EncodedObject {
  bucket: string;
  key: string;
  version_id: string;
  is_delete_marker: number;
  record: string;
  inline_data: Buffer | null;
  blob_id: string | null;
  /** The record's lock state, mirrored in columns that triggers and checks read without JSON. */
  lock_mode: string | null;
  retain_until_ms: number | null;
  legal_hold: number;
}

/** The lock columns of a record (see ObjectsTable). */
export function lockColumns(record: Pick<ObjectVersionRecord, 'retention' | 'legalHold'>): Pick<EncodedObject, 'lock_mode' | 'retain_until_ms' | 'legal_hold'> {
  return {
    lock_mode: record.retention?.mode ?? null,
    retain_until_ms: record.retention ? record.retention.retainUntil.getTime() : null,
    legal_hold: record.legalHold === 'ON' ? 1 : 0,
  };
}

export function encodeBucket(bucket: BucketRecord): { name: string; record: string; created_at: string } {
  const createdAt = bucket.createdAt.toISOString();
  const stored: StoredBucketV1 = {
    formatVersion: RECORD_FORMAT_VERSION,
    owner: bucket.owner,
    region: bucket.region,
    createdAt,
    versioning: bucket.versioning,
    objectLockEnabled: bucket.objectLockEnabled,
    ...(bucket.cors ? { cors: bucket.cors } : {}),
    ...(bucket.tags ? { tags: encodeTags(bucket.tags) } : {}),
    ...(bucket.policy !== undefined ? { policy: bucket.policy } : {}),
    ...(bucket.objectLockDefault ? { objectLockDefault: encodeRule(bucket.objectLockDefault) } : {}),
    ...(bucket.encryption ? { encryption: bucket.encryption } : {}),
  };
  return { name: bucket.name, record: JSON.stringify(stored), created_at: createdAt };
}

export function decodeBucket(name: string, json: string): BucketRecord {
  const stored = parseVersioned(json, `bucket ${JSON.stringify(name)}`) as StoredBucketV1;
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    name,
    owner: stored.owner,
    region: stored.region,
    createdAt: parseDate(stored.createdAt, name),
    versioning: stored.versioning,
    objectLockEnabled: stored.objectLockEnabled,
    ...(stored.cors ? { cors: stored.cors } : {}),
    ...(stored.tags ? { tags: decodeTags(stored.tags, name) } : {}),
    ...(typeof stored.policy === 'string' ? { policy: stored.policy } : {}),
    ...(stored.objectLockDefault ? { objectLockDefault: decodeRule(stored.objectLockDefault, name) } : {}),
    ...(stored.encryption ? { encryption: decodeBucketEncryption(stored.encryption, name) } : {}),
  };
}

function encodeRule(rule: DefaultRetentionRule): DefaultRetentionRule {
  return { mode: rule.mode, ...(rule.days !== undefined ? { days: rule.days } : { years: rule.years }) };
}

function decodeRule(stored: DefaultRetentionRule, where: string): DefaultRetentionRule {
  const count = stored.days ?? stored.years;
  if (!isLockMode(stored.mode) || typeof count !== 'number' || !(count > 0)) throw new StorageError('Corrupt', `${where}: invalid default retention`);
  return encodeRule(stored);
}

function isLockMode(mode: unknown): mode is ObjectRetention['mode'] {
  return mode === 'GOVERNANCE' || mode === 'COMPLIANCE';
}

export function encodeObject(record: ObjectVersionRecord): EncodedObject {
  const stored: StoredObjectV1 = {
    formatVersion: RECORD_FORMAT_VERSION,
    size: record.size,
    etag: record.etag,
    lastModified: record.lastModified.toISOString(),
    contentHeaders: record.contentHeaders,
    userMetadata: record.userMetadata,
    ...(record.checksum ? { checksum: record.checksum } : {}),
    dataCrc32: record.dataCrc32,
    dataKind: record.data.kind,
    ...(record.data.kind === 'parts' ? { dataParts: record.data.parts.map((p): [string, number] => [p.blobId, p.size]) } : {}),
    ...(record.partSizes ? { partSizes: record.partSizes } : {}),
    ...(record.partChecksums ? { partChecksums: record.partChecksums } : {}),
    storageClass: record.storageClass,
    ...(record.tags ? { tags: encodeTags(record.tags) } : {}),
    ...(record.retention ? { retention: { mode: record.retention.mode, retainUntil: record.retention.retainUntil.toISOString() } } : {}),
    ...(record.legalHold ? { legalHold: record.legalHold } : {}),
    ...(record.encryption ? { encryption: record.encryption } : {}),
  };
  return {
    bucket: record.bucket,
    key: record.key,
    version_id: record.versionId,
    is_delete_marker: record.isDeleteMarker ? 1 : 0,
    record: JSON.stringify(stored),
    inline_data: record.data.kind === 'inline' ? record.data.bytes : null,
    blob_id: record.data.kind === 'blob' ? record.data.blobId : null,
    ...lockColumns(record),
  };
}

export function decodeObject(row: ObjectRow): ObjectVersionRecord {
  const { fields, stored, where } = decodeObjectFields(row);
  return { ...fields, data: decodeData(stored, row, where) };
}

/** A listing entry: the same record without inline bytes (the listing never selects them). */
export function decodeObjectSummary(row: ObjectSummaryRow): ObjectVersionSummary {
  const { fields, stored, where } = decodeObjectFields(row);
  return { ...fields, data: decodeLocation(stored, row, where) };
}

function decodeObjectFields(row: ObjectSummaryRow) {
  const where = `object ${JSON.stringify(row.bucket)}/${JSON.stringify(row.key)} version ${row.version_id}`;
  const stored = parseVersioned(row.record, where) as StoredObjectV1;
  const fields: Omit<ObjectVersionRecord, 'data'> = {
    formatVersion: RECORD_FORMAT_VERSION,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    isLatest: row.is_latest === 1,
    isDeleteMarker: row.is_delete_marker === 1,
    size: stored.size,
    etag: stored.etag,
    lastModified: parseDate(stored.lastModified, where),
    contentHeaders: stored.contentHeaders,
    userMetadata: stored.userMetadata,
    checksum: stored.checksum,
    dataCrc32: stored.dataCrc32,
    partSizes: stored.partSizes,
    ...(Array.isArray(stored.partChecksums) && stored.partChecksums.every((c) => typeof c === 'string') ? { partChecksums: stored.partChecksums } : {}),
    storageClass: stored.storageClass,
    ...(stored.tags ? { tags: decodeTags(stored.tags, where) } : {}),
    ...decodeLock(stored, where),
    ...(stored.encryption !== undefined ? { encryption: decodeEncryption(stored.encryption, where) } : {}),
  };
  return { fields, stored, where };
}

function decodeData(stored: StoredObjectV1, row: ObjectRow, where: string): ObjectData {
  if (stored.dataKind === 'inline' && row.inline_data !== null) return { kind: 'inline', bytes: row.inline_data };
  const location = decodeLocation(stored, row, where);
  if (location.kind === 'inline') throw new StorageError('Corrupt', `${where}: inline data is missing`);
  return location;
}

function decodeLocation(stored: StoredObjectV1, row: ObjectSummaryRow, where: string): ObjectDataLocation {
  const kind = stored.dataKind;
  if (kind === 'inline') return { kind: 'inline' };
  if (kind === 'parts' && Array.isArray(stored.dataParts)) return { kind: 'parts', parts: stored.dataParts.map(([blobId, size]) => ({ blobId, size })) };
  if (kind === 'blob' && row.blob_id !== null) return { kind: 'blob', blobId: row.blob_id };
  if (kind === 'none') return { kind: 'none' };
  throw new StorageError('Corrupt', `${where}: data columns do not match data kind ${String(kind)}`);
}

function decodeLock(stored: StoredObjectV1, where: string): Pick<ObjectVersionRecord, 'retention' | 'legalHold'> {
  const lock: Pick<ObjectVersionRecord, 'retention' | 'legalHold'> = {};
  if (stored.retention !== undefined) {
    if (!isLockMode(stored.retention.mode)) throw new StorageError('Corrupt', `${where}: invalid retention mode`);
    lock.retention = { mode: stored.retention.mode, retainUntil: parseDate(stored.retention.retainUntil, where) };
  }
  if (stored.legalHold !== undefined) {
    if (stored.legalHold !== 'ON' && stored.legalHold !== 'OFF') throw new StorageError('Corrupt', `${where}: invalid legal hold`);
    lock.legalHold = stored.legalHold;
  }
  return lock;
}

function decodeBucketEncryption(stored: BucketEncryptionRule, where: string): BucketEncryptionRule {
  if (stored.algorithm !== 'AES256' && stored.algorithm !== 'aws:kms') throw new StorageError('Corrupt', `bucket ${where}: invalid encryption rule`);
  return stored;
}

/** Checks the shape of a stored encryption field (never guesses: a damaged one is Corrupt). */
export function decodeEncryption(stored: unknown, where: string): ObjectEncryption {
  const e = stored as Partial<ObjectEncryption> | null;
  const sealed = e?.sealedObjectKey;
  const modeOk = e?.mode === 'SSE-S3' || e?.mode === 'SSE-KMS' || e?.mode === 'SSE-C';
  if (!e || !modeOk || typeof e.plainSize !== 'number' || !sealed || typeof sealed.iv !== 'string' || typeof sealed.sealed !== 'string' || typeof sealed.algorithm !== 'string') {
    throw new StorageError('Corrupt', `${where}: invalid encryption field`);
  }
  if (e.mode !== 'SSE-C' && (typeof e.keyId !== 'string' || typeof e.sealedDataKey !== 'string')) throw new StorageError('Corrupt', `${where}: encryption without a sealed data key`);
  return e as ObjectEncryption;
}

function encodeTags(tags: readonly StoredTag[]): Array<[string, string]> {
  return tags.map((t): [string, string] => [t.key, t.value]);
}

function decodeTags(stored: unknown, where: string): StoredTag[] {
  if (!Array.isArray(stored) || !stored.every((t) => Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && typeof t[1] === 'string')) {
    throw new StorageError('Corrupt', `${where}: tags are not [key, value] pairs`);
  }
  return (stored as Array<[string, string]>).map(([key, value]) => ({ key, value }));
}

/** Parses a stored JSON record and checks its format version (shared by every record codec). */
export function parseVersioned(json: string, where: string): { formatVersion: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new StorageError('Corrupt', `${where}: record is not valid JSON`, { cause: error });
  }
  if (typeof value !== 'object' || value === null) throw new StorageError('Corrupt', `${where}: record is not an object`);
  const version = (value as { formatVersion?: unknown }).formatVersion;
  if (version !== RECORD_FORMAT_VERSION) {
    throw new StorageError('Corrupt', `${where}: unknown record format version ${String(version)}`);
  }
  return value as { formatVersion: unknown };
}

function parseDate(iso: string, where: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new StorageError('Corrupt', `${where}: invalid date`);
  return date;
}
