/**
 * Conditions a write checks inside its own transaction (conditional PUT, COPY, DELETE and
 * CompleteMultipartUpload): evaluated on the row read in that transaction, so two racing
 * conditional writers cannot both see "no object" — the write lock serialises them.
 */
import { StorageError, type ObjectVersionRecord } from '../ports.js';
import { decodeObject } from './codec.js';
import type { ObjectRow } from './schema.js';

export interface LatestExpectation {
  noLatest?: true;
  latestEtag?: string;
}

/** Throws StorageError('PreconditionFailed') unless the key's latest row satisfies `expect`. */
export function checkLatest(latestRow: ObjectRow | undefined, expect: LatestExpectation | undefined, where: string): void {
  if (!expect || (expect.noLatest === undefined && expect.latestEtag === undefined)) return;
  const latest = latestRow ? decodeObject(latestRow) : undefined;
  const current = latest && !latest.isDeleteMarker ? latest : undefined;
  if (expect.noLatest && current) throw new StorageError('PreconditionFailed', `${where}: an object exists`);
  if (expect.latestEtag !== undefined && current?.etag !== expect.latestEtag) {
    throw new StorageError('PreconditionFailed', `${where}: the current object is missing or has another ETag`);
  }
}

/** The stored version is still the one `record` was read from (same ETag and time). */
export function isSameVersion(stored: ObjectVersionRecord, record: ObjectVersionRecord): boolean {
  return stored.etag === record.etag && stored.lastModified.getTime() === record.lastModified.getTime() && stored.isDeleteMarker === record.isDeleteMarker;
}
