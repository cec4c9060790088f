/**
 * Flexible checksums on upload (x-amz-checksum-*, x-amz-sdk-checksum-algorithm, trailers):
 * computed over the decoded payload while it streams, compared after the last byte and before
 * anything is committed. A mismatch is BadDigest and leaves nothing behind.
 */
import { Transform } from 'node:stream';
import { AppError } from '../../../core/index.js';
import type { ObjectChecksum } from '../../../storage/ports.js';
import { createChecksum, type ChecksumAlgorithm } from '../../common/index.js';
import type { OperationContext } from '../operation.js';

const ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  crc32: 'CRC32', crc32c: 'CRC32C', crc64nvme: 'CRC64NVME', sha1: 'SHA1', sha256: 'SHA256',
};
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export interface ChecksumPlan {
  algorithm: ChecksumAlgorithm;
  headerName: string;
  /** Value sent as a header; undefined when it comes as a trailer or is to be computed. */
  declared: string | undefined;
  fromTrailer: boolean;
}

function validValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm];
}

export function planChecksum(ctx: OperationContext): ChecksumPlan | undefined {
  const plans: ChecksumPlan[] = [];
  for (const [suffix, algorithm] of Object.entries(ALGORITHMS)) {
    const headerName = `x-amz-checksum-${suffix}`;
    const value = ctx.headers[headerName];
    if (typeof value === 'string') {
      // S3 answers a malformed checksum value as a mismatch.
      if (!validValue(algorithm, value)) throw new AppError('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
      plans.push({ algorithm, headerName, declared: value, fromTrailer: false });
    }
  }
  const trailer = ctx.headers['x-amz-trailer'];
  if (typeof trailer === 'string') {
    for (const name of trailer.split(',').map((t) => t.trim().toLowerCase())) {
      const algorithm = ALGORITHMS[name.replace(/^x-amz-checksum-/, '')];
      if (name.startsWith('x-amz-checksum-') && algorithm) plans.push({ algorithm, headerName: name, declared: undefined, fromTrailer: true });
      else if (name !== '') throw new AppError('InvalidRequest', { message: `The trailer ${name} is not supported.` });
    }
  }
  if (plans.length > 1) throw new AppError('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const sdk = ctx.headers['x-amz-sdk-checksum-algorithm'];
  if (typeof sdk === 'string') {
    const algorithm = ALGORITHMS[sdk.toLowerCase()];
    if (!algorithm) throw new AppError('InvalidRequest', { message: 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]' });
    if (plans[0] && plans[0].algorithm !== algorithm) throw new AppError('InvalidRequest', { message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
    if (!plans[0]) plans.push({ algorithm, headerName: `x-amz-checksum-${sdk.toLowerCase()}`, declared: undefined, fromTrailer: false });
  }
  return plans[0];
}

/** Wraps the body with a hashing tap; `verify()` runs after the body ended. */
export function checksumBody(ctx: OperationContext, plan: ChecksumPlan | undefined) {
  const body = ctx.body();
  if (!plan) return { body, verify: (): ObjectChecksum | undefined => undefined };
  const hasher = createChecksum(plan.algorithm);
  const tap = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
  });
  body.on('error', (error) => tap.destroy(error));
  body.pipe(tap);
  const verify = (): ObjectChecksum => {
    const actual = hasher.digest().toString('base64');
    const expected = plan.fromTrailer ? ctx.trailers()[plan.headerName] : plan.declared;
    if (plan.fromTrailer && expected === undefined) {
      throw new AppError('InvalidRequest', { message: `The trailer ${plan.headerName} was announced but not sent.` });
    }
    if (expected !== undefined && expected !== actual) {
      throw new AppError('BadDigest', { message: `The ${plan.algorithm} you specified did not match the calculated checksum.` });
    }
    return { algorithm: plan.algorithm, value: actual, type: 'FULL_OBJECT' };
  };
  return { body: tap, verify };
}
