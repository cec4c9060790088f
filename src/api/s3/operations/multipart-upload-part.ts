/** UploadPart: one part of a multipart upload, streamed to its own durable blob. */
import { AppError } from '../../../core/index.js';
import type { MultipartUploadRecord } from '../../../storage/ports.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { checksumBody, planChecksum, type ChecksumPlan } from './checksum-input.js';
import { contentMd5Of } from './put-object.js';
import { assertUploadCustomerKey, customerKeyOf, sseResponseHeaders } from './sse-headers.js';

export function refuseUnsupportedPartHeaders(ctx: OperationContext, extra: readonly string[] = []): void {
  for (const name of extra) {
    if (ctx.headers[name] !== undefined) throw new AppError('NotImplemented', { message: `The ${name} header is not supported yet.` });
  }
}

export function partNumberOf(ctx: OperationContext): number {
  const raw = ctx.query.get('partNumber') ?? '';
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 10000) {
    throw new AppError('InvalidArgument', {
      message: 'Part number must be an integer between 1 and 10000, inclusive',
      fields: { ArgumentName: 'partNumber', ArgumentValue: raw.slice(0, 32) },
    });
  }
  return Number(raw);
}

export async function uploadOf(ctx: OperationContext): Promise<MultipartUploadRecord> {
  return ctx.services.multipart.getUpload(ctx.bucket as string, ctx.key as string, ctx.query.get('uploadId') ?? '');
}

/** The part's checksum plan: the client's, which must use the upload's algorithm; else the upload's, computed here. */
function partChecksumPlan(ctx: OperationContext, upload: MultipartUploadRecord): ChecksumPlan | undefined {
  const plan = planChecksum(ctx);
  const wanted = upload.checksum?.algorithm;
  if (wanted === undefined) return plan;
  if (!plan) return { algorithm: wanted, headerName: `x-amz-checksum-${wanted.toLowerCase()}`, declared: undefined, fromTrailer: false };
  if (plan.algorithm !== wanted) {
    throw new AppError('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${wanted.toLowerCase()}, actual checksum Type: ${plan.algorithm.toLowerCase()}`,
    });
  }
  return plan;
}

export const UploadPart = defineOperation({
  name: 'UploadPart',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:PutObject', bucket: route.bucket, key: route.key }],
  handle: async (ctx) => {
    refuseUnsupportedPartHeaders(ctx);
    const partNumber = partNumberOf(ctx);
    const customer = customerKeyOf(ctx);
    const size = ctx.payloadLength();
    const streaming = String(ctx.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    if (size === undefined && (ctx.headers['transfer-encoding'] === undefined || streaming)) throw new AppError('MissingContentLength');
    const upload = await uploadOf(ctx);
    assertUploadCustomerKey(upload.encryption, customer);
    const plan = partChecksumPlan(ctx, upload);
    const contentMd5 = contentMd5Of(ctx);
    const { body, verify } = checksumBody(ctx, plan);
    const part = await ctx.services.multipart.uploadPart({ upload, partNumber, body, size, contentMd5, afterBody: verify, customer });
    const headers: Record<string, string> = { etag: part.etag, ...sseResponseHeaders(upload.encryption) };
    if (part.checksum) headers[`x-amz-checksum-${part.checksum.algorithm.toLowerCase()}`] = part.checksum.value;
    return { headers };
  },
});
