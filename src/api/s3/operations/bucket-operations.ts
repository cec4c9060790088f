/** CreateBucket (with x-amz-bucket-object-lock-enabled), HeadBucket, DeleteBucket, GetBucketLocation. */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../core/index.js';
import { buildXml, child, escapeXml, parseXml, S3_XMLNS } from '../../common/xml/index.js';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import { defineOperation, type OperationContext, type RouteContext } from '../operation.js';
import { bucketCheck } from './check-conditions.js';


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
  const ownership = h['x-amz-object-ownership'];
  if (typeof ownership === 'string' && ownership !== 'BucketOwnerEnforced') {
    throw new AppError('NotImplemented', { message: 'Only BucketOwnerEnforced object ownership is supported.' });
  }
}

/** x-amz-bucket-object-lock-enabled: true | false (case-insensitive); anything else is InvalidArgument. */
export function objectLockEnabledOf(headers: IncomingHttpHeaders): boolean {
  const value = headers['x-amz-bucket-object-lock-enabled'];
  if (value === undefined) return false;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (text !== 'true' && text !== 'false') {
    throw new AppError('InvalidArgument', {
      message: 'x-amz-bucket-object-lock-enabled must be true or false',
      fields: { ArgumentName: 'x-amz-bucket-object-lock-enabled', ArgumentValue: String(value) },
    });
  }
  return text === 'true';
}

/** s3:CreateBucket; with Object Lock also s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning (AWS). */
function createBucketChecks(route: RouteContext): AuthorizationCheck[] {
  const checks: AuthorizationCheck[] = [{ action: 's3:CreateBucket', bucket: route.bucket }];
  const lock = route.headers['x-amz-bucket-object-lock-enabled'];
  if (typeof lock === 'string' && lock.trim().toLowerCase() === 'true') {
    checks.push({ action: 's3:PutBucketObjectLockConfiguration', bucket: route.bucket }, { action: 's3:PutBucketVersioning', bucket: route.bucket });
  }
  return checks;
}

export const CreateBucket = defineOperation({
  name: 'CreateBucket',
  needsBucket: false,
  authorize: createBucketChecks,
  handle: async (ctx) => {
    refuseUnsupportedBucketHeaders(ctx);
    const objectLockEnabled = objectLockEnabledOf(ctx.headers);
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
    await ctx.services.buckets.createBucket({ name: bucket, owner: ctx.principal?.canonicalId ?? '', objectLockEnabled });
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
