/** The x-amz-version-id response header: a real version id always; 'null' only where S3 says it. */
import { NULL_VERSION_ID } from '../../../domain/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';
import type { OperationContext } from '../operation.js';

/**
 * GET/HEAD name the null version `null` once the bucket is versioned or suspended; a bucket
 * that was never versioned sends no header for it.
 */
export async function readVersionIdHeader(ctx: OperationContext, record: Pick<ObjectVersionRecord, 'versionId'>): Promise<string | undefined> {
  if (record.versionId !== NULL_VERSION_ID) return record.versionId;
  const bucket = await ctx.services.buckets.findBucket(ctx.bucket as string);
  return bucket !== undefined && bucket.versioning !== 'Unversioned' ? NULL_VERSION_ID : undefined;
}

/** PUT-like writes: S3 returns the header for a new version, never for a null one. */
export function writeVersionIdHeader(record: Pick<ObjectVersionRecord, 'versionId'>): Record<string, string> {
  return record.versionId === NULL_VERSION_ID ? {} : { 'x-amz-version-id': record.versionId };
}
