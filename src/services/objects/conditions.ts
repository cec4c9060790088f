/**
 * Conditional writes and deletes (If-None-Match: *, If-Match) as S3 answers them. The store
 * checks the condition inside its write transaction (the decision and the write are one step);
 * the service checks it once more before reading a body, so a write that cannot succeed does
 * not upload gigabytes first, and names a failure: 404 NoSuchKey when If-Match finds no current
 * object, 412 PreconditionFailed otherwise. A delete marker counts as no object.
 */
import { AppError } from '../../core/index.js';
import { StorageError, type MetadataStore, type ObjectVersionRecord } from '../../storage/ports.js';

export interface WriteExpectation {
  /** If-None-Match: * — no current object. */
  noLatest?: true;
  /** If-Match: the current object's quoted ETag. */
  latestEtag?: string;
}

/** What DeleteObject's conditional headers ask of the current object. */
export interface DeleteConditions {
  /** If-Match: '*' (any current object) or a quoted ETag. */
  ifMatch?: string;
  /** x-amz-if-match-last-modified-time, compared at second precision. */
  lastModified?: Date;
  /** x-amz-if-match-size. */
  size?: number;
}

function current(latest: ObjectVersionRecord | undefined): ObjectVersionRecord | undefined {
  return latest && !latest.isDeleteMarker ? latest : undefined;
}

export function evaluateExpectation(latest: ObjectVersionRecord | undefined, expect: WriteExpectation): void {
  const object = current(latest);
  if (expect.noLatest && object) throw new AppError('PreconditionFailed', { fields: { Condition: 'If-None-Match' } });
  if (expect.latestEtag !== undefined) {
    if (!object) throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
    if (object.etag !== expect.latestEtag) throw new AppError('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  }
}

/**
 * Evaluates DeleteObject's conditions on the current object and returns the expectation that
 * pins the delete to it, or undefined when there is nothing to pin (no conditions, or only
 * size/time conditions and no object: S3 then deletes as usual).
 */
export function evaluateDeleteConditions(latest: ObjectVersionRecord | undefined, conditions: DeleteConditions): { latestEtag?: string } | undefined {
  const object = current(latest);
  if (conditions.ifMatch !== undefined) {
    if (!object) throw new AppError('NoSuchKey', { message: 'The specified key does not exist.' });
    if (conditions.ifMatch !== '*' && conditions.ifMatch !== object.etag) throw new AppError('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  }
  if (!object) return undefined;
  if (conditions.size !== undefined && conditions.size !== object.size) {
    throw new AppError('PreconditionFailed', { fields: { Condition: 'x-amz-if-match-size' } });
  }
  if (conditions.lastModified !== undefined && Math.floor(conditions.lastModified.getTime() / 1000) !== Math.floor(object.lastModified.getTime() / 1000)) {
    throw new AppError('PreconditionFailed', { fields: { Condition: 'x-amz-if-match-last-modified-time' } });
  }
  const pinned = conditions.ifMatch !== undefined || conditions.size !== undefined || conditions.lastModified !== undefined;
  return pinned ? { latestEtag: object.etag } : undefined;
}

/** Runs a store write; a failed store condition becomes the AppError S3 would answer. */
export async function withExpectation<T>(
  store: MetadataStore,
  target: { bucket: string; key: string },
  expect: WriteExpectation | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof StorageError) || error.code !== 'PreconditionFailed') throw error;
    // The object changed between the check before the body and the commit: name the outcome.
    if (expect) evaluateExpectation(await store.getObjectVersion(target.bucket, target.key), expect);
    throw new AppError('PreconditionFailed', { details: { reason: 'store condition failed' } });
  }
}
