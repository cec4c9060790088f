/**
 * PutObjectLockConfiguration and GetObjectLockConfiguration (`?object-lock`), IAM actions
 * s3:PutBucketObjectLockConfiguration / s3:GetBucketObjectLockConfiguration as in AWS. The body
 * is ≤ 4 KiB with Content-MD5 or a checksum required; parsing is object-lock-input.ts, the rules
 * (lock only on a versioned bucket, never turned off) live in BucketService.
 */
import { buildXml, type XmlNode } from '../../common/xml/index.js';
import { defineOperation } from '../operation.js';
import { parseObjectLockConfiguration } from './object-lock-input.js';
import { readVerifiedBody } from './verified-body.js';
import { bucketCheck } from './check-conditions.js';

export const MAX_LOCK_BODY_BYTES = 4 * 1024;


export const PutObjectLockConfiguration = defineOperation({
  name: 'PutObjectLockConfiguration',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketObjectLockConfiguration'),
  handle: async (ctx) => {
    const rule = parseObjectLockConfiguration(await readVerifiedBody(ctx, MAX_LOCK_BODY_BYTES));
    await ctx.services.buckets.putObjectLockConfiguration(ctx.bucket as string, rule);
    return {};
  },
});

export const GetObjectLockConfiguration = defineOperation({
  name: 'GetObjectLockConfiguration',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketObjectLockConfiguration'),
  handle: async (ctx) => {
    const { rule } = await ctx.services.buckets.getObjectLockConfiguration(ctx.bucket as string);
    const body: XmlNode = { ObjectLockEnabled: 'Enabled' };
    if (rule !== undefined) body['Rule'] = { DefaultRetention: { Mode: rule.mode, Days: rule.days, Years: rule.years } };
    return { body: buildXml('ObjectLockConfiguration', body) };
  },
});
