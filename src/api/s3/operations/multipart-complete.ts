/**
 * CompleteMultipartUpload: the part list (XML, at most 1 MiB, parsed by the strict shared parser
 * that refuses DTDs) becomes the object, which points at the part blobs without copying them.
 */
import { AppError } from '../../../core/index.js';
import type { CompletePartInput } from '../../../services/index.js';
import type { ChecksumAlgorithm } from '../../../storage/ports.js';
import { buildXml, CHECKSUM_ALGORITHMS, child, children, parseXml, type XmlElement } from '../../common/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { refuseUnsupportedPartHeaders, uploadOf } from './multipart-upload-part.js';
import { writeVersionIdHeader } from './version-headers.js';
import { assertUploadCustomerKey, customerKeyOf, sseResponseHeaders } from './sse-headers.js';
import { writeExpectationOf } from './write-conditions.js';

export const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

const malformed = (reason: string) => new AppError('MalformedXML', { details: { reason } });

export function parseCompleteBody(xml: Buffer): CompletePartInput[] {
  const root = parseXml(xml);
  if (root.name !== 'CompleteMultipartUpload') throw malformed(`unexpected root ${root.name}`);
  return children(root, 'Part').map((part) => {
    const number = text(part, 'PartNumber');
    const etag = text(part, 'ETag');
    if (number === undefined || !/^\d{1,9}$/.test(number)) throw malformed('Part without a valid PartNumber');
    if (etag === undefined) throw malformed('Part without an ETag');
    const checksums: CompletePartInput['checksums'] = {};
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = text(part, `Checksum${algorithm}`);
      if (value !== undefined) checksums[algorithm] = value;
    }
    return { partNumber: Number(number), etag, checksums };
  });
}

function text(element: XmlElement, name: string): string | undefined {
  const found = child(element, name);
  return found === undefined ? undefined : found.text.trim();
}

function expectedChecksumOf(ctx: OperationContext): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = ctx.headers[`x-amz-checksum-${algorithm.toLowerCase()}`];
    if (typeof value === 'string') return { algorithm, value };
  }
  return undefined;
}

function expectedSizeOf(ctx: OperationContext): number | undefined {
  const raw = ctx.headers['x-amz-mp-object-size'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) throw new AppError('InvalidRequest', { message: 'Value for x-amz-mp-object-size header is invalid.' });
  return Number(raw);
}

function locationOf(ctx: OperationContext): string {
  const host = typeof ctx.headers.host === 'string' ? ctx.headers.host : 'localhost';
  const key = (ctx.key as string).split('/').map(encodeURIComponent).join('/');
  return `http://${host}/${encodeURIComponent(ctx.bucket as string)}/${key}`;
}

export const CompleteMultipartUpload = defineOperation({
  name: 'CompleteMultipartUpload',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:PutObject', bucket: route.bucket, key: route.key }],
  handle: async (ctx) => {
    refuseUnsupportedPartHeaders(ctx);
    const expect = writeExpectationOf(ctx.headers);
    const expectedChecksum = expectedChecksumOf(ctx);
    const expectedSize = expectedSizeOf(ctx);
    // SSE-C headers are optional here (AWS), but when sent they must carry the upload's key.
    const customer = customerKeyOf(ctx);
    if (customer) assertUploadCustomerKey((await uploadOf(ctx)).encryption, customer);
    const parts = parseCompleteBody(await ctx.readBody(MAX_COMPLETE_BODY_BYTES));
    const record = await ctx.services.multipart.completeUpload({
      bucket: ctx.bucket as string,
      key: ctx.key as string,
      uploadId: ctx.query.get('uploadId') ?? '',
      parts,
      ...(expectedChecksum ? { expectedChecksum } : {}),
      ...(expectedSize !== undefined ? { expectedSize } : {}),
      ...(expect ? { putOptions: { expect } } : {}),
    });
    const body = buildXml('CompleteMultipartUploadResult', {
      Location: locationOf(ctx),
      Bucket: record.bucket,
      Key: record.key,
      ETag: record.etag,
      ...(record.checksum ? { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type } : {}),
    });
    return { headers: { ...writeVersionIdHeader(record), ...sseResponseHeaders(record.encryption) }, body };
  },
});
