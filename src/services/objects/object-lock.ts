/**
 * Object Lock use cases for ObjectService: the lock a write gets, retention and legal-hold
 * changes, and the delete pre-check.
 *
 * Protects the lock promise: once a version is locked nobody — root included — deletes it or
 * weakens its retention until the retention ends or the legal hold is lifted.
 * Construction: the domain rules (domain/object-lock.ts) decide first, judged at the service
 * clock and the store's clock high-water mark (fail closed when the clock moved backwards);
 * the store re-checks inside its write transaction (StorageError 'Locked'), and the database
 * triggers hold against raw SQL. Both refusals become ObjectLocked (S3: 403 AccessDenied).
 * Inputs: validated ObjectLockRequest / ObjectRetention from the API and `bypassGovernance`,
 * which the API computes (header AND s3:BypassGovernanceRetention). Invariants: a lock on a
 * bucket without Object Lock is refused (InvalidRequest); a write's retention must end in the
 * future at commit time; without a requested retention the bucket default applies (also when
 * only a legal hold is requested).
 */
import { AppError, type Clock } from '../../core/index.js';
import { defaultRetainUntil, judgeDelete, judgeRetentionChange, type LockTime, type LockVerdict } from '../../domain/index.js';
import {
  StorageError,
  type BucketRecord,
  type MetadataStore,
  type ObjectLockChange,
  type ObjectLockRequest,
  type ObjectRetention,
  type ObjectVersionRecord,
} from '../../storage/ports.js';

export const OBJECT_LOCKED_MESSAGE = 'Access Denied because object protected by object lock.';

export function objectLocked(details: Record<string, unknown>): AppError {
  return new AppError('ObjectLocked', { message: OBJECT_LOCKED_MESSAGE, details });
}

export function missingLockConfiguration(): AppError {
  return new AppError('InvalidRequest', { message: 'Bucket is missing ObjectLockConfiguration' });
}

/** Runs a store write; the store's Locked refusal becomes ObjectLocked. */
export async function mapLocked<T>(target: { bucket: string; key: string; versionId?: string | undefined }, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StorageError && error.code === 'Locked') throw objectLocked({ ...target, reason: 'store refused', store: error.message });
    throw error;
  }
}

/** Refuses a lock request on a bucket without Object Lock (checked before a body is read, and again at commit). */
export function assertLockAllowed(bucket: BucketRecord, request: ObjectLockRequest | undefined): void {
  if (request && (request.retention !== undefined || request.legalHold !== undefined) && !bucket.objectLockEnabled) throw missingLockConfiguration();
}

/**
 * The lock fields a new version written at `now` carries: the request's, else the bucket default.
 * `judgeFuture`: CompleteMultipartUpload passes false — the date was judged at
 * CreateMultipartUpload, and a retention that ended meanwhile protects nothing.
 */
export function lockForWrite(
  bucket: BucketRecord,
  request: ObjectLockRequest | undefined,
  now: Date,
  judgeFuture = true,
): Pick<ObjectVersionRecord, 'retention' | 'legalHold'> {
  assertLockAllowed(bucket, request);
  if (!bucket.objectLockEnabled) return {};
  let retention: ObjectRetention | undefined = request?.retention;
  if (retention) {
    if (judgeFuture) assertFuture(retention, now);
  } else if (bucket.objectLockDefault) retention = { mode: bucket.objectLockDefault.mode, retainUntil: defaultRetainUntil(bucket.objectLockDefault, now) };
  return { ...(retention ? { retention } : {}), ...(request?.legalHold ? { legalHold: request.legalHold } : {}) };
}

function assertFuture(retention: ObjectRetention, now: Date): void {
  if (retention.retainUntil.getTime() <= now.getTime()) {
    throw new AppError('InvalidArgument', {
      message: 'The retain until date must be in the future!',
      fields: { ArgumentName: 'RetainUntilDate', ArgumentValue: retention.retainUntil.toISOString() },
    });
  }
}

export interface LockDeps {
  store: MetadataStore;
  clock: Clock;
}

/** The high-water mark is read before the clock: a write committed in between cannot make `now` look behind it. */
export async function lockTime(deps: LockDeps): Promise<LockTime> {
  const highWater = await deps.store.clockHighWater();
  return { now: deps.clock.now(), highWater };
}

function refuse(verdict: LockVerdict, record: ObjectVersionRecord): void {
  if (!verdict.allowed) throw objectLocked({ bucket: record.bucket, key: record.key, versionId: record.versionId, reason: verdict.reason });
}

/** The service's own check before a version is removed for good (the store checks again). */
export async function assertDeletable(deps: LockDeps, record: ObjectVersionRecord, bypassGovernance: boolean): Promise<void> {
  if (record.isDeleteMarker || (record.retention === undefined && record.legalHold !== 'ON')) return;
  refuse(judgeDelete(record, await lockTime(deps), bypassGovernance), record);
}

/** PutObjectRetention / PutObjectLegalHold on a version already read. */
export async function changeLock(
  deps: LockDeps,
  record: ObjectVersionRecord,
  change: ObjectLockChange,
  options: { bypassGovernance: boolean; byVersionId: boolean },
): Promise<ObjectVersionRecord> {
  const bucket = await deps.store.getBucket(record.bucket);
  if (!bucket) throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
  if (!bucket.objectLockEnabled) throw missingLockConfiguration();
  if (record.isDeleteMarker) throw new AppError('MethodNotAllowed', { message: 'The specified method is not allowed against this resource.' });
  const time = await lockTime(deps);
  if (change.retention !== undefined) {
    if (change.retention !== null) assertFuture(change.retention, time.now);
    refuse(judgeRetentionChange(record, change.retention ?? undefined, time, options.bypassGovernance), record);
  }
  const target = { bucket: record.bucket, key: record.key, versionId: record.versionId };
  try {
    return await mapLocked(target, () =>
      deps.store.updateObjectLock(record.bucket, record.key, record.versionId, change, {
        bypassGovernance: options.bypassGovernance,
        expect: { etag: record.etag, lastModified: record.lastModified },
      }),
    );
  } catch (error) {
    if (error instanceof StorageError && error.code === 'NotFound') {
      // Deleted or replaced since it was read.
      if (options.byVersionId) throw new AppError('NoSuchVersion', { message: 'The specified version does not exist.' });
      throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
    }
    throw error;
  }
}
