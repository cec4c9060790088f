/**
 * Key rotation's job record: what `GET /kms/rotate` shows and what the store keeps (as JSON in
 * store.jobs under "kms-rotate") so that a rotation resumes where it stopped, in any process.
 * Holds names, counts and the resume marker only — never key material.
 */
import { AppError } from '../../core/index.js';
import type { VersionCursor } from '../../storage/ports.js';

export const ROTATION_JOB = 'kms-rotate';
export const ROTATION_FORMAT_VERSION = 1 as const;
/** At most this many failed versions are listed in the status (all are counted). */
export const MAX_LISTED_FAILURES = 20;

export interface RotationOptions {
  /** Target KMS key for every rotated version; absent: SSE-S3 → the default key, SSE-KMS → its own key. */
  key?: string | undefined;
  /** Only versions whose data key was generated under this KMS key. */
  fromKey?: string | undefined;
  bucket?: string | undefined;
  prefix?: string | undefined;
}

export type RotationState = 'idle' | 'running' | 'done' | 'failed';
/** Why a version was left as it is: SSE-C (only the client holds its key), another KMS key than
 * --from-key, or the version changed (overwritten, re-keyed) or was deleted while it was rotated. */
export type SkipReason = 'sse-c' | 'other-key' | 'changed' | 'gone';

export interface RotationFailure {
  bucket: string;
  key: string;
  versionId: string;
  reason: string;
}

export interface RotationStatus {
  state: RotationState;
  options: RotationOptions;
  /** Encrypted versions in scope when the job counted them (new writes may add some); absent while counting. */
  total?: number | undefined;
  processed: number;
  rotated: number;
  skipped: number;
  failed: number;
  skippedBy: Record<SkipReason, number>;
  failures: RotationFailure[];
  startedAt?: string | undefined;
  updatedAt?: string | undefined;
  finishedAt?: string | undefined;
  error?: string | undefined;
  /** The last version processed: a resumed job continues right after it. */
  marker?: VersionCursor | undefined;
}

/** The stored form: the status plus the format version and the owning process. */
export interface RotationRecord extends RotationStatus {
  formatVersion: typeof ROTATION_FORMAT_VERSION;
  owner: string;
}

export function emptyCounts(): Pick<RotationStatus, 'processed' | 'rotated' | 'skipped' | 'failed' | 'skippedBy' | 'failures'> {
  return { processed: 0, rotated: 0, skipped: 0, failed: 0, skippedBy: { 'sse-c': 0, 'other-key': 0, changed: 0, gone: 0 }, failures: [] };
}

export function idleStatus(): RotationStatus {
  return { state: 'idle', options: {}, ...emptyCounts() };
}

export function parseRecord(text: string): RotationRecord {
  let value: Partial<RotationRecord> | null;
  try {
    value = JSON.parse(text) as Partial<RotationRecord> | null;
  } catch (cause) {
    throw new AppError('StorageCorrupt', { details: { reason: 'key rotation record is not JSON' }, cause });
  }
  if (value?.formatVersion !== ROTATION_FORMAT_VERSION || typeof value.owner !== 'string' || typeof value.state !== 'string') {
    throw new AppError('StorageCorrupt', { details: { reason: `unknown key rotation record format ${String(value?.formatVersion)}` } });
  }
  return value as RotationRecord;
}

/** The status of a record; a 'running' record whose owner is gone reads as failed (interrupted). */
export function statusOf(record: RotationRecord, live: boolean): RotationStatus {
  const { formatVersion: _f, owner: _o, ...status } = record;
  if (status.state === 'running' && !live) {
    return { ...status, state: 'failed', error: 'Interrupted: the server running the rotation stopped. Continue with --resume.' };
  }
  return status;
}
