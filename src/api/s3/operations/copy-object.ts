/**
 * CopyObject: a new version of the destination whose bytes are streamed from the source
 * (ObjectService.openData → putObject, so the destination follows the bucket's versioning and
 * the conditional-write rules like any PUT). Needs s3:PutObject on the destination and
 * s3:GetObject (s3:GetObjectVersion with a version id) on the source, both declared.
 * Order after authorization: directives → source bucket and owner → source version →
 * x-amz-copy-source-if-* (412) → size and self-copy rules → copy. A failed check writes nothing.
 */
import { Transform } from 'node:stream';
import { AppError } from '../../../core/index.js';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import type { ObjectChecksum, ObjectVersionRecord } from '../../../storage/ports.js';
import { createChecksum, parseChecksumAlgorithm, buildXml, type ChecksumAlgorithm } from '../../common/index.js';
import { assertExpectedBucketOwner } from '../expected-owner.js';
import { defineOperation, type OperationContext, type RouteContext } from '../operation.js';
import { copySourceCheck, copySourceConditions, copySourceOf, objectWriteChecks } from './check-conditions.js';
import { parseCopySource, type CopySource } from './copy-source.js';
import { checkCopySourceConditions } from './multipart-upload-part-copy.js';
import { contentHeadersOf, refuseUnsupportedObjectHeaders, storageClassOf, userMetadataOf } from './put-object.js';
import { lockRequestOf } from './object-lock-input.js';
import { taggingHeaderOf } from './tagging-input.js';
import { readVersionIdHeader, writeVersionIdHeader } from './version-headers.js';
import { writeExpectationOf } from './write-conditions.js';
import { copySourceCustomerKeyOf, sseRequestOf, sseResponseHeaders } from './sse-headers.js';

export const MAX_COPY_SOURCE_BYTES = 5 * 1024 ** 3;

type Directive = 'COPY' | 'REPLACE';

function directiveOf(ctx: Pick<RouteContext, 'headers'>, header: 'x-amz-metadata-directive' | 'x-amz-tagging-directive'): Directive {
  const value = ctx.headers[header];
  if (value === undefined) return 'COPY';
  if (value === 'COPY' || value === 'REPLACE') return value;
  const what = header === 'x-amz-metadata-directive' ? 'metadata' : 'tagging';
  throw new AppError('InvalidArgument', { message: `Unknown ${what} directive.`, fields: { ArgumentName: header, ArgumentValue: String(value) } });
}

/** s3:PutObject (+ tagging with REPLACE, lock actions) on the destination, s3:GetObject(Version) on the source. */
function copyChecks(route: RouteContext): AuthorizationCheck[] {
  const source = copySourceOf(route.headers);
  const checks = objectWriteChecks(route, {
    tags: route.headers['x-amz-tagging-directive'] === 'REPLACE',
    extra: copySourceConditions(source, route.headers),
  });
  if (source) checks.push(copySourceCheck(source));
  return checks;
}

async function readSource(ctx: OperationContext, source: CopySource): Promise<ObjectVersionRecord> {
  const bucket = await ctx.services.buckets.getBucket(source.bucket);
  assertExpectedBucketOwner(ctx.headers, 'x-amz-source-expected-bucket-owner', bucket, ctx.principal);
  const record = await ctx.services.objects.getObjectRecord(source.bucket, source.key, source.versionId);
  if (record.isDeleteMarker) {
    throw new AppError('InvalidRequest', { message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
  }
  return record;
}

function refuseSelfCopy(ctx: OperationContext, source: CopySource, record: ObjectVersionRecord, metadata: Directive, storageClass: string, encrypts: boolean): void {
  const sameObject = source.bucket === ctx.bucket && source.key === ctx.key && record.isLatest;
  const changesSomething = encrypts || metadata === 'REPLACE' || (ctx.headers['x-amz-storage-class'] !== undefined && storageClass !== record.storageClass);
  if (sameObject && !changesSomething) {
    throw new AppError('InvalidRequest', {
      message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    });
  }
}

/** Hashes the copied bytes with the requested algorithm, or the source's, while they stream. */
function checksumTap(ctx: OperationContext, source: ObjectVersionRecord): { tap: Transform | undefined; result: () => ObjectChecksum | undefined } {
  const requested = ctx.headers['x-amz-checksum-algorithm'];
  const algorithm: ChecksumAlgorithm | undefined =
    typeof requested === 'string' ? parseChecksumAlgorithm(requested) : source.checksum?.algorithm;
  if (algorithm === undefined) return { tap: undefined, result: () => undefined };
  const hasher = createChecksum(algorithm);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
  });
  return { tap, result: () => ({ algorithm, value: hasher.digest().toString('base64'), type: 'FULL_OBJECT' }) };
}

function copyResultXml(record: ObjectVersionRecord): string {
  const checksum = record.checksum;
  const checksumField = checksum ? { [`Checksum${checksum.algorithm}`]: checksum.value } : {};
  return buildXml('CopyObjectResult', {
    ETag: record.etag,
    LastModified: record.lastModified,
    ...(checksum ? { ChecksumType: checksum.type } : {}),
    ...checksumField,
  });
}

export const CopyObject = defineOperation({
  name: 'CopyObject',
  needsBucket: true,
  authorize: copyChecks,
  handle: async (ctx) => {
    refuseUnsupportedObjectHeaders(ctx, ['x-amz-tagging', 'if-match', 'if-none-match']);
    // Copies always re-seal: the destination gets its own object key, for its own name, in its own mode.
    const sse = sseRequestOf(ctx);
    const sourceCustomer = copySourceCustomerKeyOf(ctx);
    const source = parseCopySource(ctx.headers['x-amz-copy-source']);
    const metadataDirective = directiveOf(ctx, 'x-amz-metadata-directive');
    const taggingDirective = directiveOf(ctx, 'x-amz-tagging-directive');
    const storageClass = storageClassOf(ctx);
    const requestTags = taggingHeaderOf(ctx.headers);
    // The source's lock is never copied: the destination gets its own headers or the bucket default.
    const lock = lockRequestOf(ctx.headers, ctx.now);
    const expect = writeExpectationOf(ctx.headers);
    const record = await readSource(ctx, source);
    checkCopySourceConditions(ctx, record);
    if (record.size > MAX_COPY_SOURCE_BYTES) {
      throw new AppError('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE_BYTES}` });
    }
    refuseSelfCopy(ctx, source, record, metadataDirective, storageClass, sse !== undefined);
    const replace = metadataDirective === 'REPLACE';
    const { tap, result } = checksumTap(ctx, record);
    const data = await ctx.services.objects.openData(record, undefined, sourceCustomer);
    const body = tap ? data.pipe(tap) : data;
    if (tap) data.on('error', (error) => tap.destroy(error));
    const created = await ctx.services.objects.putObject({
      bucket: ctx.bucket as string,
      key: ctx.key as string,
      body,
      size: record.size,
      contentHeaders: replace ? contentHeadersOf(ctx) : record.contentHeaders,
      userMetadata: replace ? userMetadataOf(ctx) : record.userMetadata,
      storageClass,
      contentMd5: undefined,
      afterBody: result,
      tags: taggingDirective === 'REPLACE' ? (requestTags ?? []) : (record.tags ?? []),
      expect,
      ...(lock === undefined ? {} : { lock }),
      sse,
    });
    const sourceVersion = await readVersionIdHeader({ ...ctx, bucket: source.bucket }, record);
    return {
      headers: { ...writeVersionIdHeader(created), 'x-amz-copy-source-version-id': sourceVersion, ...sseResponseHeaders(created.encryption) },
      body: copyResultXml(created),
    };
  },
});
