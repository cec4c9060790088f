/** ListParts and ListMultipartUploads: markers, limits, IsTruncated, delimiter roll-up, encoding-type=url. */
import { AppError } from '../../../core/index.js';
import type { MultipartUploadRecord } from '../../../storage/ports.js';
import { buildXml } from '../../common/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { delimiterOf, encoderOf } from './list-objects.js';

function limitOf(ctx: OperationContext, name: string): number {
  const raw = ctx.query.get(name);
  if (raw === undefined) return 1000;
  if (!/^\d{1,10}$/.test(raw)) {
    throw new AppError('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, fields: { ArgumentName: name, ArgumentValue: raw.slice(0, 32) } });
  }
  return Math.min(Number(raw), 1000);
}

function partMarkerOf(ctx: OperationContext): number {
  const raw = ctx.query.get('part-number-marker');
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,5}$/.test(raw)) {
    throw new AppError('InvalidArgument', { message: 'Provided part-number-marker not an integer or within integer range', fields: { ArgumentName: 'part-number-marker', ArgumentValue: raw.slice(0, 32) } });
  }
  return Number(raw);
}

const person = (who: MultipartUploadRecord['initiator']) => ({ ID: who.id, DisplayName: who.displayName });

function checksumFields(upload: MultipartUploadRecord) {
  return upload.checksum ? { ChecksumAlgorithm: upload.checksum.algorithm, ChecksumType: upload.checksum.type } : {};
}

export const ListParts = defineOperation({
  name: 'ListParts',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:ListMultipartUploadParts', bucket: route.bucket, key: route.key }],
  handle: async (ctx) => {
    const maxParts = limitOf(ctx, 'max-parts');
    const marker = partMarkerOf(ctx);
    const result = await ctx.services.multipart.listParts(ctx.bucket as string, ctx.key as string, ctx.query.get('uploadId') ?? '', marker, maxParts);
    const { upload } = result;
    const body = buildXml('ListPartsResult', {
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: result.nextPartNumberMarker ?? marker,
      MaxParts: maxParts,
      IsTruncated: result.isTruncated,
      Part: result.parts.map((part) => ({
        PartNumber: part.partNumber,
        LastModified: part.lastModified,
        ETag: part.etag,
        Size: part.size,
        ...(part.checksum ? { [`Checksum${part.checksum.algorithm}`]: part.checksum.value } : {}),
      })),
      Initiator: person(upload.initiator),
      Owner: person(upload.initiator),
      StorageClass: upload.storageClass,
      ...checksumFields(upload),
    });
    return { body };
  },
});

export const ListMultipartUploads = defineOperation({
  name: 'ListMultipartUploads',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:ListBucketMultipartUploads', bucket: route.bucket }],
  handle: async (ctx) => {
    const maxUploads = limitOf(ctx, 'max-uploads');
    const encode = encoderOf(ctx);
    const prefix = ctx.query.get('prefix') ?? '';
    const delimiter = delimiterOf(ctx);
    const keyMarker = ctx.query.get('key-marker') ?? '';
    // S3 ignores upload-id-marker without key-marker.
    const uploadIdMarker = keyMarker === '' ? '' : ctx.query.get('upload-id-marker') ?? '';
    const page = await ctx.services.multipart.listUploads({
      bucket: ctx.bucket as string,
      prefix,
      delimiter: delimiter ?? '',
      keyMarker,
      uploadIdMarker,
      limit: maxUploads,
    });
    const body = buildXml('ListMultipartUploadsResult', {
      Bucket: ctx.bucket,
      KeyMarker: encode(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: page.isTruncated ? encode(page.nextKeyMarker ?? '') : undefined,
      NextUploadIdMarker: page.isTruncated ? page.nextUploadIdMarker ?? '' : undefined,
      Delimiter: delimiter === undefined ? undefined : encode(delimiter),
      Prefix: encode(prefix),
      MaxUploads: maxUploads,
      IsTruncated: page.isTruncated,
      EncodingType: ctx.query.has('encoding-type') ? 'url' : undefined,
      Upload: page.uploads.map((upload) => ({
        Key: encode(upload.key),
        UploadId: upload.uploadId,
        Initiator: person(upload.initiator),
        Owner: person(upload.initiator),
        StorageClass: upload.storageClass,
        Initiated: upload.initiated,
        ...checksumFields(upload),
      })),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
    });
    return { body };
  },
});
