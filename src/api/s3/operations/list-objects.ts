/** ListObjects (v1) and ListObjectsV2: prefix, delimiter, markers/tokens, max-keys, encoding-type=url. */
import { AppError } from '../../../core/index.js';
import type { ListObjectsPage } from '../../../storage/ports.js';
import { buildXml, type XmlNode } from '../../common/xml/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { ownerXml } from './bucket-operations.js';
import { listConditions } from './check-conditions.js';

export function maxKeysOf(ctx: OperationContext): number {
  const raw = ctx.query.get('max-keys');
  if (raw === undefined) return 1000;
  if (!/^\d{1,10}$/.test(raw)) throw new AppError('InvalidArgument', { message: 'Provided max-keys not an integer or within integer range', fields: { ArgumentName: 'max-keys', ArgumentValue: raw } });
  return Math.min(Number(raw), 1000);
}

export function encoderOf(ctx: OperationContext): (value: string) => string {
  const type = ctx.query.get('encoding-type');
  if (type === undefined) return (v) => v;
  if (type.toLowerCase() !== 'url') {
    throw new AppError('InvalidEncodingType', { message: 'Invalid Encoding Method specified in Request', fields: { ArgumentName: 'encoding-type', ArgumentValue: type } });
  }
  return (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/');
}

/** An empty delimiter is no delimiter (S3 then omits Delimiter from the answer). */
export function delimiterOf(ctx: OperationContext): string | undefined {
  const delimiter = ctx.query.get('delimiter');
  return delimiter === '' ? undefined : delimiter;
}

async function listPage(ctx: OperationContext, after: string, limit: number): Promise<ListObjectsPage> {
  if (limit === 0) return { objects: [], commonPrefixes: [], isTruncated: false, nextAfter: undefined };
  return ctx.services.objects.listObjects({
    bucket: ctx.bucket as string,
    prefix: ctx.query.get('prefix') ?? '',
    delimiter: delimiterOf(ctx) ?? '',
    after,
    limit,
  });
}

function entries(ctx: OperationContext, page: ListObjectsPage, encode: (v: string) => string, withOwner: boolean): XmlNode {
  return {
    Contents: page.objects.map((o) => ({
      Key: encode(o.key),
      LastModified: o.lastModified,
      ETag: o.etag,
      ...(o.checksum ? { ChecksumAlgorithm: o.checksum.algorithm, ChecksumType: o.checksum.type } : {}),
      Size: o.size,
      Owner: withOwner ? ownerXml(ctx) : undefined,
      StorageClass: o.storageClass,
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

const listChecks = (route: { bucket: string | undefined; query: ReadonlyMap<string, string> }) => [
  { action: 's3:ListBucket', bucket: route.bucket, conditions: listConditions(route.query) },
];

export const ListObjects = defineOperation({
  name: 'ListObjects',
  needsBucket: true,
  authorize: listChecks,
  handle: async (ctx) => {
    const maxKeys = maxKeysOf(ctx);
    const encode = encoderOf(ctx);
    const marker = ctx.query.get('marker') ?? '';
    const page = await listPage(ctx, marker, maxKeys);
    const delimiter = delimiterOf(ctx);
    const body = buildXml('ListBucketResult', {
      Name: ctx.bucket,
      // S3 leaves the v1 Prefix element unencoded even with encoding-type=url.
      Prefix: ctx.query.get('prefix') ?? '',
      Marker: encode(marker),
      NextMarker: page.isTruncated && delimiter ? encode(page.nextAfter ?? '') : undefined,
      MaxKeys: maxKeys,
      Delimiter: delimiter === undefined ? undefined : encode(delimiter),
      IsTruncated: page.isTruncated,
      EncodingType: ctx.query.has('encoding-type') ? 'url' : undefined,
      ...entries(ctx, page, encode, true),
    });
    return { body };
  },
});

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!token || !/^[A-Za-z0-9_-]+$/.test(token) || !decoded.startsWith('1:')) {
    throw new AppError('InvalidArgument', { message: 'The continuation token provided is incorrect', fields: { ArgumentName: 'continuation-token' } });
  }
  return decoded.slice(2);
}

const encodeToken = (after: string): string => Buffer.from(`1:${after}`, 'utf8').toString('base64url');

export const ListObjectsV2 = defineOperation({
  name: 'ListObjectsV2',
  needsBucket: true,
  authorize: listChecks,
  handle: async (ctx) => {
    const maxKeys = maxKeysOf(ctx);
    const encode = encoderOf(ctx);
    const token = ctx.query.get('continuation-token');
    const startAfter = ctx.query.get('start-after');
    let after = token !== undefined && token !== '' ? decodeToken(token) : startAfter ?? '';
    // Keys order by UTF-8 bytes, not by JavaScript's UTF-16 string order.
    if (token !== undefined && startAfter !== undefined && Buffer.compare(Buffer.from(startAfter), Buffer.from(after)) > 0) after = startAfter;
    const page = await listPage(ctx, after, maxKeys);
    const delimiter = delimiterOf(ctx);
    const body = buildXml('ListBucketResult', {
      Name: ctx.bucket,
      Prefix: encode(ctx.query.get('prefix') ?? ''),
      ...(token !== undefined ? { ContinuationToken: token } : {}),
      ...(page.isTruncated && page.nextAfter !== undefined ? { NextContinuationToken: encodeToken(page.nextAfter) } : {}),
      ...(startAfter !== undefined ? { StartAfter: encode(startAfter) } : {}),
      KeyCount: page.objects.length + page.commonPrefixes.length,
      MaxKeys: maxKeys,
      Delimiter: delimiter === undefined ? undefined : encode(delimiter),
      IsTruncated: page.isTruncated,
      EncodingType: ctx.query.has('encoding-type') ? 'url' : undefined,
      ...entries(ctx, page, encode, ctx.query.get('fetch-owner') === 'true'),
    });
    return { body };
  },
});
