/**
 * PutBucketTagging, GetBucketTagging, DeleteBucketTagging. A bucket without tags answers
 * GetBucketTagging with 404 NoSuchTagSet; an empty TagSet removes the tags. AWS has no
 * s3:DeleteBucketTagging action: deleting needs s3:PutBucketTagging.
 */
import { AppError } from '../../../core/index.js';
import { defineOperation } from '../operation.js';
import { readTaggingBody, taggingXml } from './tagging-input.js';
import { bucketCheck } from './check-conditions.js';


export const PutBucketTagging = defineOperation({
  name: 'PutBucketTagging',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketTagging'),
  handle: async (ctx) => {
    const tags = await readTaggingBody(ctx, 'bucket');
    await ctx.services.buckets.setBucketTags(ctx.bucket as string, tags);
    return {};
  },
});

export const GetBucketTagging = defineOperation({
  name: 'GetBucketTagging',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketTagging'),
  handle: async (ctx) => {
    const { tags } = await ctx.services.buckets.getBucket(ctx.bucket as string);
    if (!tags || tags.length === 0) throw new AppError('NoSuchTagSet', { message: 'The TagSet does not exist' });
    return { body: taggingXml(tags) };
  },
});

export const DeleteBucketTagging = defineOperation({
  name: 'DeleteBucketTagging',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketTagging'),
  handle: async (ctx) => {
    await ctx.services.buckets.setBucketTags(ctx.bucket as string, []);
    return { status: 204 };
  },
});
