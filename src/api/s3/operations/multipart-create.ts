/** CreateMultipartUpload: starts an upload with the object's content headers, metadata, storage class and checksum. */
import { AppError } from '../../../core/index.js';
import type { MultipartUploadRecord } from '../../../storage/ports.js';
import { buildXml, isCrcAlgorithm, parseChecksumAlgorithm } from '../../common/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { ownerXml } from './bucket-operations.js';
import { objectWriteChecks } from './check-conditions.js';
import { contentHeadersOf, refuseUnsupportedObjectHeaders, storageClassOf, userMetadataOf } from './put-object.js';
import { lockRequestOf } from './object-lock-input.js';
import { taggingHeaderOf } from './tagging-input.js';
import { sseRequestOf, sseResponseHeaders } from './sse-headers.js';

/** x-amz-checksum-algorithm / x-amz-checksum-type as S3 pairs them. */
export function uploadChecksumOf(ctx: OperationContext): MultipartUploadRecord['checksum'] {
  const rawAlgorithm = ctx.headers['x-amz-checksum-algorithm'];
  const rawType = ctx.headers['x-amz-checksum-type'];
  if (typeof rawAlgorithm !== 'string') {
    if (rawType !== undefined) throw new AppError('InvalidRequest', { message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.' });
    return undefined;
  }
  const algorithm = parseChecksumAlgorithm(rawAlgorithm);
  const type = rawType === undefined ? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') : String(rawType).toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') throw new AppError('InvalidRequest', { message: 'Value for x-amz-checksum-type header is invalid.' });
  if (type === 'FULL_OBJECT' && !isCrcAlgorithm(algorithm)) {
    throw new AppError('InvalidRequest', { message: `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.` });
  }
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw new AppError('InvalidRequest', { message: 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.' });
  }
  return { algorithm, type };
}

export function uploadChecksumHeaders(upload: MultipartUploadRecord): Record<string, string> {
  if (!upload.checksum) return {};
  return { 'x-amz-checksum-algorithm': upload.checksum.algorithm, 'x-amz-checksum-type': upload.checksum.type };
}

export const CreateMultipartUpload = defineOperation({
  name: 'CreateMultipartUpload',
  needsBucket: true,
  authorize: (route) => objectWriteChecks(route),
  handle: async (ctx) => {
    refuseUnsupportedObjectHeaders(ctx, ['x-amz-tagging']);
    const tags = taggingHeaderOf(ctx.headers);
    const lock = lockRequestOf(ctx.headers, ctx.now);
    const owner = ownerXml(ctx);
    const sse = sseRequestOf(ctx);
    const upload = await ctx.services.multipart.createUpload({
      bucket: ctx.bucket as string,
      key: ctx.key as string,
      contentHeaders: contentHeadersOf(ctx),
      userMetadata: userMetadataOf(ctx),
      storageClass: storageClassOf(ctx),
      checksum: uploadChecksumOf(ctx),
      initiator: { id: owner.ID, displayName: owner.DisplayName },
      ...(tags === undefined ? {} : { tags }),
      ...(lock === undefined ? {} : { lock }),
      sse,
    });
    const body = buildXml('InitiateMultipartUploadResult', { Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId });
    return { headers: { ...uploadChecksumHeaders(upload), ...sseResponseHeaders(upload.encryption) }, body };
  },
});
