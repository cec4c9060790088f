/** GetObject and HeadObject: ranges, partNumber, response-* overrides, conditional reads. */
import { AppError } from '../../../core/index.js';
import { resolveRange, type ResolvedRange } from '../../../domain/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';
import { defineOperation, type OperationContext, type RouteContext, type S3Reply } from '../operation.js';
import { checksumHeaders, objectHeaders } from './object-headers.js';
import { versionConditions } from './check-conditions.js';
import { hideMissingObject } from './missing-object.js';
import { lockResponseHeaders } from './object-lock-access.js';
import { checkReadPreconditions } from './preconditions.js';
import { readVersionIdHeader } from './version-headers.js';
import { customerKeyOf, refuseSseHeadersOnRead, sseResponseHeaders } from './sse-headers.js';

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** s3:GetObject, or s3:GetObjectVersion for a named version (AWS), with s3:versionid. */
function readChecks(route: RouteContext) {
  const versionId = route.query.get('versionId');
  return [{ action: versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', bucket: route.bucket, key: route.key, conditions: versionConditions(versionId) }];
}

function partRange(ctx: OperationContext, record: ObjectVersionRecord): ResolvedRange | undefined | 'none' {
  const raw = ctx.query.get('partNumber');
  if (raw === undefined) return 'none';
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 10000) {
    throw new AppError('InvalidArgument', { message: 'Part number must be an integer between 1 and 10000, inclusive', fields: { ArgumentName: 'partNumber', ArgumentValue: raw } });
  }
  if (ctx.headers.range !== undefined) throw new AppError('InvalidRequest', { message: 'Cannot specify both Range header and partNumber query parameter' });
  const sizes = record.partSizes ?? [record.size];
  const part = Number(raw);
  // A part number beyond the object's part count is InvalidPart (400), for single-part and
  // multipart objects alike (what the s3-tests conformance suite expects of S3 and RGW).
  if (part > sizes.length) throw new AppError('InvalidPart');
  const start = sizes.slice(0, part - 1).reduce((a, b) => a + b, 0);
  const size = sizes[part - 1] ?? 0;
  return size === 0 ? undefined : { start, end: start + size - 1 };
}

async function readObject(ctx: OperationContext, withBody: boolean): Promise<S3Reply> {
  const overrides = [...ctx.query.keys()].filter((k) => k in OVERRIDES);
  if (overrides.length > 0 && !ctx.principal) {
    throw new AppError('InvalidRequest', { message: 'Request specific response headers cannot be used for anonymous GET requests.' });
  }
  refuseSseHeadersOnRead(ctx.headers);
  const versionId = ctx.query.get('versionId');
  const record = await hideMissingObject(ctx, () => ctx.services.objects.getObjectRecord(ctx.bucket as string, ctx.key as string, versionId));
  if (record.isDeleteMarker) {
    // S3: reading a delete marker by its version id is 405, and the marker may only be deleted.
    throw new AppError('MethodNotAllowed', {
      headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': record.versionId, 'last-modified': record.lastModified.toUTCString(), allow: 'DELETE' },
      fields: { Method: withBody ? 'GET' : 'HEAD', ResourceType: 'DeleteMarker' },
    });
  }
  // The part number is a request parameter: checked before the SSE-C key (InvalidPart, as AWS).
  const byPart = partRange(ctx, record);
  // SSE-C: the key is checked (400 without, 403 wrong) before anything about the object is told.
  const customer = customerKeyOf(ctx);
  // HEAD of an SSE-S3/SSE-KMS object needs no KMS round trip.
  const needsKey = withBody || customer !== undefined || record.encryption?.mode === 'SSE-C';
  const objectKey = needsKey ? await ctx.services.objects.objectKeyFor(record, customer) : undefined;
  checkReadPreconditions(ctx.headers, record);
  const headers: Record<string, string | number> = { ...objectHeaders(record), ...sseResponseHeaders(record.encryption) };
  Object.assign(headers, await lockResponseHeaders(ctx, record));
  const versionHeader = await readVersionIdHeader(ctx, record);
  if (versionHeader !== undefined) headers['x-amz-version-id'] = versionHeader;
  const range = byPart === 'none' ? resolveRange(ctx.headers.range, record.size) : byPart;
  let status = 200;
  if (range) {
    status = 206;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${record.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = record.size;
    if (ctx.headers['x-amz-checksum-mode']?.toString().toUpperCase() === 'ENABLED') Object.assign(headers, checksumHeaders(record));
  }
  if (byPart !== 'none') {
    headers['x-amz-mp-parts-count'] = (record.partSizes ?? [record.size]).length;
    // S3 answers a part read with that part's checksum and the object's checksum type.
    const partChecksum = record.partChecksums?.[Number(ctx.query.get('partNumber')) - 1];
    if (record.checksum && partChecksum !== undefined) {
      headers[`x-amz-checksum-${record.checksum.algorithm.toLowerCase()}`] = partChecksum;
      headers['x-amz-checksum-type'] = record.checksum.type;
    }
  }
  for (const name of overrides) headers[OVERRIDES[name] as string] = ctx.query.get(name) as string;
  if (!withBody || (range === undefined && record.size === 0)) return { status, headers };
  const body = await ctx.services.objects.openBody(record, range, customer, objectKey);
  return { status, headers, body };
}

export const GetObject = defineOperation({
  name: 'GetObject',
  needsBucket: true,
  authorize: readChecks,
  handle: (ctx) => readObject(ctx, true),
});

export const HeadObject = defineOperation({
  name: 'HeadObject',
  needsBucket: true,
  authorize: readChecks,
  handle: (ctx) => readObject(ctx, false),
});
