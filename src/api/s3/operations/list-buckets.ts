/**
 * ListBuckets with AWS's pagination: max-buckets (1–10000), continuation-token (opaque to
 * clients: the base64url of the last name returned), prefix and bucket-region filters. Without
 * max-buckets every bucket comes back in one page, as before pagination existed.
 */
import { AppError } from '../../../core/index.js';
import { buildXml } from '../../common/xml/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { ownerXml } from './bucket-operations.js';

const MAX_BUCKETS = 10000;
const TOKEN_PREFIX = 'cb1:';

function maxBucketsOf(ctx: OperationContext): number {
  const raw = ctx.query.get('max-buckets');
  if (raw === undefined) return MAX_BUCKETS;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_BUCKETS) {
    throw new AppError('InvalidArgument', { message: 'Argument max-buckets must be an integer between 1 and 10000', fields: { ArgumentName: 'max-buckets', ArgumentValue: raw } });
  }
  return Number(raw);
}

export function encodeBucketToken(lastName: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${lastName}`, 'utf8').toString('base64url');
}

function decodeBucketToken(token: string | undefined): string {
  if (token === undefined || token === '') return '';
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith(TOKEN_PREFIX) || decoded.length === TOKEN_PREFIX.length) {
    throw new AppError('InvalidArgument', { message: 'The continuation token provided is incorrect', fields: { ArgumentName: 'continuation-token' } });
  }
  return decoded.slice(TOKEN_PREFIX.length);
}

export const ListBuckets = defineOperation({
  name: 'ListBuckets',
  needsBucket: false,
  authorize: () => [{ action: 's3:ListAllMyBuckets' }],
  handle: async (ctx) => {
    const limit = maxBucketsOf(ctx);
    const token = ctx.query.get('continuation-token');
    const prefix = ctx.query.get('prefix') ?? '';
    const region = ctx.query.get('bucket-region') || undefined;
    const page = await ctx.services.buckets.listBucketsPage({ prefix, after: decodeBucketToken(token), region, limit });
    const body = buildXml('ListAllMyBucketsResult', {
      Buckets: { Bucket: page.buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })) },
      Owner: ownerXml(ctx),
      ContinuationToken: page.nextAfter === undefined ? undefined : encodeBucketToken(page.nextAfter),
      Prefix: ctx.query.has('prefix') ? prefix : undefined,
    });
    return { body };
  },
});
