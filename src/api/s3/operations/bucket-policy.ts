/**
 * PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus. The policy is a
 * JSON document of at most 20 KiB (capped while reading, before parsing), validated by the
 * policy engine as a bucket policy of this bucket (every Resource inside it, a Principal on every
 * statement, known actions); a refusal is 400 MalformedPolicy naming the statement and field.
 * The text is stored as sent and returned as stored (AWS returns the document as given).
 * x-amz-confirm-remove-self-bucket-access is accepted and ignored: root can always replace or
 * delete a policy (the authorizer's lockout-recovery rule), so nobody is locked out for good.
 */
import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../../../core/index.js';
import { buildXml } from '../../common/xml/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { contentMd5Of } from './put-object.js';
import { bucketCheck } from './check-conditions.js';

export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;


async function readPolicyBody(ctx: OperationContext): Promise<string> {
  const contentMd5 = contentMd5Of(ctx);
  let body: Buffer;
  try {
    body = await ctx.readBody(MAX_BUCKET_POLICY_BYTES);
  } catch (error) {
    if (isAppError(error) && error.code === 'MaxMessageLengthExceeded') {
      throw new AppError('MalformedPolicy', { message: `Policy exceeds the maximum allowed document size of ${MAX_BUCKET_POLICY_BYTES} bytes.` });
    }
    throw error;
  }
  if (contentMd5 !== undefined && createHash('md5').update(body).digest('base64') !== contentMd5) throw new AppError('BadDigest');
  return body.toString('utf8');
}

export const PutBucketPolicy = defineOperation({
  name: 'PutBucketPolicy',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketPolicy'),
  handle: async (ctx) => {
    await ctx.services.buckets.putBucketPolicy(ctx.bucket as string, await readPolicyBody(ctx));
    return { status: 204 };
  },
});

export const GetBucketPolicy = defineOperation({
  name: 'GetBucketPolicy',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketPolicy'),
  handle: async (ctx) => ({
    headers: { 'content-type': 'application/json' },
    body: await ctx.services.buckets.getBucketPolicyText(ctx.bucket as string),
  }),
});

export const DeleteBucketPolicy = defineOperation({
  name: 'DeleteBucketPolicy',
  needsBucket: true,
  authorize: bucketCheck('s3:DeleteBucketPolicy'),
  handle: async (ctx) => {
    await ctx.services.buckets.deleteBucketPolicy(ctx.bucket as string);
    return { status: 204 };
  },
});

export const GetBucketPolicyStatus = defineOperation({
  name: 'GetBucketPolicyStatus',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketPolicyStatus'),
  handle: async (ctx) => {
    const { isPublic } = await ctx.services.buckets.getBucketPolicyStatus(ctx.bucket as string);
    return { body: buildXml('PolicyStatus', { IsPublic: isPublic }) };
  },
});
