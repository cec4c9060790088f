/**
 * Request-scoped helpers of the S3 pipeline's admission step: refusing half-signed anonymous
 * requests, the stored-tag loader for s3:ExistingObjectTag, bucket records read once per request,
 * and the pre-body gate of per-item operations. See pipeline.ts for the order they run in.
 */
import type { IncomingMessage } from 'node:http';
import { AppError, isAppError } from '../../core/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { BucketService } from '../../services/index.js';
import type { BucketRecord } from '../../storage/ports.js';
import type { S3Services } from './operation.js';

/**
 * An unsigned request is anonymous only when it carries no credential at all: a session token
 * without a signature is refused (it would otherwise be silently ignored), and an aws-chunked
 * streaming body needs the signature chain that only a signed request has.
 */
export function refuseHalfSignedAnonymous(req: IncomingMessage, query: ReadonlyMap<string, string>): void {
  if (req.headers['x-amz-security-token'] !== undefined || query.has('X-Amz-Security-Token')) {
    throw new AppError('InvalidToken', { message: 'A security token was sent without a request signature.' });
  }
  const sha = req.headers['x-amz-content-sha256'];
  if (typeof sha === 'string' && sha.startsWith('STREAMING-')) {
    throw new AppError('InvalidRequest', { message: 'Streaming (aws-chunked) payloads require a signed request.' });
  }
}

/** s3:ExistingObjectTag/<k>: the stored tags of the target version (undefined when it does not exist). */
export function objectTagLoader(services: S3Services) {
  return async (bucket: string, key: string, versionId: string | undefined): Promise<Record<string, string> | undefined> => {
    try {
      const record = await services.objects.getObjectRecord(bucket, key, versionId);
      return Object.fromEntries((record.tags ?? []).map((t) => [t.key, t.value]));
    } catch (error) {
      if (isAppError(error)) return undefined;
      throw error;
    }
  };
}

/**
 * Bucket records read at most once per request: the authorizer's bucket policies and the
 * existence check after authorization share one read (and one consistent view).
 */
export interface RequestBuckets {
  record(name: string): Promise<BucketRecord | undefined>;
  policy(name: string): ReturnType<BucketService['getBucketPolicy']>;
}

export function requestBuckets(service: BucketService): RequestBuckets {
  const records = new Map<string, Promise<BucketRecord | undefined>>();
  const record = (name: string): Promise<BucketRecord | undefined> => {
    let found = records.get(name);
    if (found === undefined) {
      found = service.findBucket(name);
      records.set(name, found);
    }
    return found;
  };
  return { record, policy: async (name) => {
    const bucket = await record(name);
    return bucket === undefined ? undefined : service.policyOf(bucket);
  } };
}

/**
 * 'per-item' admission (DeleteObjects): an authenticated caller may send its bounded body (each
 * key is then authorized); an anonymous one only when the bucket has a policy that could grant
 * it something — otherwise AccessDenied before the body, for a missing bucket just the same.
 */
export async function admitPerItem(principal: Principal | undefined, bucket: string | undefined, buckets: RequestBuckets): Promise<void> {
  if (principal !== undefined) return;
  if (bucket !== undefined && (await buckets.policy(bucket)) !== undefined) return;
  throw new AppError('AccessDenied', { message: 'Access Denied', details: { reason: 'anonymous multi-object delete on a bucket without a policy' } });
}
