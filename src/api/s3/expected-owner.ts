/**
 * x-amz-expected-bucket-owner / x-amz-source-expected-bucket-owner: a client's guard against
 * writing to or reading from a bucket that someone else owns (a deleted-and-recreated name).
 * Checked after authorization and after the bucket is known to exist, so it reveals nothing
 * a caller without access could not already learn.
 *
 * Decision: the value may be the owner's canonical id (what ListBuckets shows as Owner/ID), or
 * the owner's 12-digit account id. Buckets store only the canonical id; the account id is known
 * when the caller is the owner (the account id in the caller's ARN). A 12-digit id that cannot
 * be tied to the owner that way is a mismatch — the check fails closed. Any other shape is
 * 400 InvalidBucketOwnerAWSAccountID, as S3 answers for a value that is not an account id.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../core/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { BucketRecord } from '../../storage/ports.js';

const ACCOUNT_ID = /^\d{12}$/;
const CANONICAL_ID = /^[0-9a-f]{64}$/;

function accountIdOf(principal: Principal | undefined): string | undefined {
  return principal ? /^arn:aws:iam::(\d{12}):/.exec(principal.arn)?.[1] : undefined;
}

export function assertExpectedBucketOwner(
  headers: IncomingHttpHeaders,
  headerName: 'x-amz-expected-bucket-owner' | 'x-amz-source-expected-bucket-owner',
  bucket: Pick<BucketRecord, 'owner'>,
  principal: Principal | undefined,
): void {
  const raw = headers[headerName];
  if (raw === undefined) return;
  const expected = Array.isArray(raw) ? '' : raw.trim();
  if (ACCOUNT_ID.test(expected)) {
    const callerOwnsBucket = principal !== undefined && principal.canonicalId === bucket.owner;
    if (callerOwnsBucket && accountIdOf(principal) === expected) return;
    throw new AppError('AccessDenied', { details: { reason: `${headerName} does not name the bucket owner` } });
  }
  if (CANONICAL_ID.test(expected)) {
    if (expected === bucket.owner) return;
    throw new AppError('AccessDenied', { details: { reason: `${headerName} does not name the bucket owner` } });
  }
  throw new AppError('InvalidBucketOwnerAWSAccountID', { message: 'The value of the expected bucket owner parameter must be an AWS account ID.' });
}
