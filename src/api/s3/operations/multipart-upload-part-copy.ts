/**
 * UploadPartCopy: a part copied from an existing object (or a byte range of it), read through
 * ObjectService.openData, with the x-amz-copy-source-if-* conditions. Needs s3:PutObject on the
 * target and s3:GetObject (s3:GetObjectVersion with a version id) on the source.
 */
import { AppError } from '../../../core/index.js';
import type { ByteRange, ObjectVersionRecord } from '../../../storage/ports.js';
import { buildXml } from '../../common/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { copySourceCheck, copySourceConditions, copySourceOf } from './check-conditions.js';
import { parseCopySource } from './copy-source.js';
import { partNumberOf, refuseUnsupportedPartHeaders, uploadOf } from './multipart-upload-part.js';
import { checkReadPreconditions } from './preconditions.js';
import { assertUploadCustomerKey, copySourceCustomerKeyOf, customerKeyOf, sseResponseHeaders } from './sse-headers.js';

/** The copy-source conditions with GET's precedence rules; every failure is 412 for a copy. */
export function checkCopySourceConditions(ctx: OperationContext, source: ObjectVersionRecord): void {
  const pick = (name: string) => ctx.headers[`x-amz-copy-source-${name}`] as string | undefined;
  const headers = {
    'if-match': pick('if-match'),
    'if-none-match': pick('if-none-match'),
    'if-modified-since': pick('if-modified-since'),
    'if-unmodified-since': pick('if-unmodified-since'),
  };
  try {
    checkReadPreconditions(headers, source);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NotModified') throw new AppError('PreconditionFailed');
    throw error;
  }
}

/** x-amz-copy-source-range: `bytes=first-last`, both given, inside the source. */
export function copySourceRangeOf(ctx: OperationContext, size: number): ByteRange | undefined {
  const raw = ctx.headers['x-amz-copy-source-range'];
  if (raw === undefined) return undefined;
  const match = typeof raw === 'string' ? /^bytes=(\d{1,16})-(\d{1,16})$/.exec(raw.trim()) : null;
  if (!match) {
    throw new AppError('InvalidArgument', {
      message: 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      fields: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: String(raw).slice(0, 64) },
    });
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > end) {
    throw new AppError('InvalidArgument', {
      message: `Range specified is not valid for source object of size: ${size}`,
      fields: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: String(raw).slice(0, 64) },
    });
  }
  // S3: a well-formed range that reaches past the end of the source is InvalidRange (416).
  if (end >= size) throw new AppError('InvalidRange', { fields: { ActualObjectSize: String(size) } });
  return { start, end };
}

export const UploadPartCopy = defineOperation({
  name: 'UploadPartCopy',
  needsBucket: true,
  authorize: (route) => {
    // An unparseable source declares the target only; the handler refuses it before reading anything.
    const source = copySourceOf(route.headers);
    const target = { action: 's3:PutObject', bucket: route.bucket, key: route.key, conditions: copySourceConditions(source, route.headers) };
    return source ? [target, copySourceCheck(source)] : [target];
  },
  handle: async (ctx) => {
    refuseUnsupportedPartHeaders(ctx);
    const customer = customerKeyOf(ctx);
    const sourceCustomer = copySourceCustomerKeyOf(ctx);
    const partNumber = partNumberOf(ctx);
    const from = parseCopySource(ctx.headers['x-amz-copy-source']);
    const upload = await uploadOf(ctx);
    assertUploadCustomerKey(upload.encryption, customer);
    await ctx.services.buckets.getBucket(from.bucket);
    const source = await ctx.services.objects.getObjectRecord(from.bucket, from.key, from.versionId);
    if (source.isDeleteMarker) {
      throw new AppError('InvalidRequest', { message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
    }
    checkCopySourceConditions(ctx, source);
    const range = copySourceRangeOf(ctx, source.size);
    const length = range ? range.end - range.start + 1 : source.size;
    const data = await ctx.services.objects.openData(source, range, sourceCustomer);
    const part = await ctx.services.multipart.copyPart(upload, partNumber, data, length, customer);
    const body = buildXml('CopyPartResult', {
      ETag: part.etag,
      LastModified: part.lastModified,
      ...(part.checksum ? { [`Checksum${part.checksum.algorithm}`]: part.checksum.value } : {}),
    });
    const headers: Record<string, string> = { ...sseResponseHeaders(upload.encryption) };
    if (source.versionId !== 'null') headers['x-amz-copy-source-version-id'] = source.versionId;
    return { headers, body };
  },
});
