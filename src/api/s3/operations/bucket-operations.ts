/** CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation. */
import { AppError } from '../../../core/index.js';
import { buildXml, child, escapeXml, parseXml, S3_XMLNS } from '../../common/xml/index.js';
import { defineOperation, type OperationContext } from '../operation.js';

const bucketCheck = (action: string) => (route: { bucket: string | undefined }) => [{ action, bucket: route.bucket }];

export function ownerXml(ctx: OperationContext): { ID: string; DisplayName: string } {
  return { ID: ctx.principal?.canonicalId ?? '', DisplayName: ctx.principal?.displayName ?? '' };
}

const CANNED_OK = new Set(['private', 'bucket-owner-full-control']);

function refuseUnsupportedBucketHeaders(ctx: OperationContext): void {
  const h = ctx.headers;
  const acl = h['x-amz-acl'];
  if ((typeof acl === 'string' && !CANNED_OK.has(acl)) || Object.keys(h).some((name) => name.startsWith('x-amz-grant-'))) {
    throw new AppError('AccessControlListNotSupported', { message: 'The bucket does not allow ACLs' });
  }
  const lock = h['x-amz-bucket-object-lock-enabled'];
  if (typeof lock === 'string' && lock.toLowerCase() === 'true') {
    throw new AppError('NotImplemented', { message: 'Object Lock is not available yet; the bucket was not created.' });
  }
  const ownership = h['x-amz-object-ownership'];
  if (typeof ownership === 'string' && ownership !== 'BucketOwnerEnforced') {
    throw new AppError('NotImplemented', { message: 'Only BucketOwnerEnforced object ownership is supported.' });
  }
}

export const CreateBucket = defineOperation({
  name: 'CreateBucket',
  needsBucket: false,
  authorize: bucketCheck('s3:CreateBucket'),
  handle: async (ctx) => {
    refuseUnsupportedBucketHeaders(ctx);
    const body = await ctx.readBody(64 * 1024);
    if (body.length > 0) {
      const doc = parseXml(body);
      if (doc.name !== 'CreateBucketConfiguration') throw new AppError('MalformedXML');
      const location = child(doc, 'LocationConstraint')?.text.trim();
      if (location && location !== ctx.services.region) {
        throw new AppError('IllegalLocationConstraintException', {
          message: `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        });
      }
    }
    const bucket = ctx.bucket as string;
    await ctx.services.buckets.createBucket({ name: bucket, owner: ctx.principal?.canonicalId ?? '' });
    return { headers: { location: `/${bucket}` } };
  },
});

export const HeadBucket = defineOperation({
  name: 'HeadBucket',
  needsBucket: true,
  authorize: bucketCheck('s3:ListBucket'),
  handle: async (ctx) => ({ headers: { 'x-amz-bucket-region': ctx.services.region } }),
});

export const DeleteBucket = defineOperation({
  name: 'DeleteBucket',
  needsBucket: true,
  authorize: bucketCheck('s3:DeleteBucket'),
  handle: async (ctx) => {
    await ctx.services.buckets.deleteBucket(ctx.bucket as string);
    return { status: 204 };
  },
});

export const GetBucketLocation = defineOperation({
  name: 'GetBucketLocation',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketLocation'),
  handle: async (ctx) => {
    const region = ctx.services.region === 'us-east-1' ? '' : ctx.services.region;
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${escapeXml(region)}</LocationConstraint>`;
    return { body };
  },
});
