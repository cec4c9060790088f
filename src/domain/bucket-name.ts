/** S3 bucket naming rules (general purpose buckets), plus Coffer's reserved names. */
import { AppError } from '../core/index.js';

export const RESERVED_BUCKET_NAMES: ReadonlySet<string> = new Set(['coffer', 'minio']);

const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_LIKE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const BAD_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const BAD_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Returns the reason a name is invalid, or undefined when it is a valid bucket name. */
export function bucketNameProblem(name: string): string | undefined {
  if (!SHAPE.test(name)) return 'Bucket names must be 3-63 characters of lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit';
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'Bucket names must not contain two adjacent periods or a period next to a hyphen';
  if (IP_LIKE.test(name)) return 'Bucket names must not be formatted as an IP address';
  if (BAD_PREFIXES.some((p) => name.startsWith(p)) || BAD_SUFFIXES.some((s) => name.endsWith(s))) return 'Bucket name uses a reserved prefix or suffix';
  return undefined;
}

export function assertValidBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw new AppError('InvalidBucketName', { message: 'The specified bucket is not valid.', details: { problem } });
}

export function assertBucketNameNotReserved(name: string): void {
  if (RESERVED_BUCKET_NAMES.has(name)) {
    throw new AppError('InvalidBucketName', { message: 'The specified bucket name is reserved.' });
  }
}
