/**
 * Bodies S3 only accepts with an integrity check (PutBucketCors, PutObjectLockConfiguration,
 * PutObjectRetention, PutObjectLegalHold): Content-MD5 or a flexible checksum is required, the
 * size is capped before and while reading (MaxMessageLengthExceeded), and both digests are
 * verified over the exact bytes before anything parses them.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../core/index.js';
import type { OperationContext } from '../operation.js';
import { checksumBody, planChecksum } from './checksum-input.js';
import { contentMd5Of } from './put-object.js';

function tooBig(): AppError {
  return new AppError('MaxMessageLengthExceeded', { message: 'Your request was too big.' });
}

/** Reads the capped body through the flexible-checksum tap; Content-MD5 or a checksum is required. */
export async function readVerifiedBody(ctx: OperationContext, maxBytes: number): Promise<Buffer> {
  const contentMd5 = contentMd5Of(ctx);
  const plan = planChecksum(ctx);
  if (contentMd5 === undefined && plan === undefined) {
    throw new AppError('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
  const declared = ctx.payloadLength();
  if (declared !== undefined && declared > maxBytes) throw tooBig();
  const { body, verify } = checksumBody(ctx, plan);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw tooBig();
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  verify();
  if (contentMd5 !== undefined && createHash('md5').update(raw).digest('base64') !== contentMd5) throw new AppError('BadDigest');
  return raw;
}
