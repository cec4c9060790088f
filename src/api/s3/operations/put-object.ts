/** PutObject: streams the verified body to storage; durable before 200. */
import { AppError } from '../../../core/index.js';
import { STORED_CONTENT_HEADERS } from '../../../domain/index.js';
import { storedContentEncoding } from '../../common/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { checksumBody, planChecksum } from './checksum-input.js';
import { objectWriteChecks } from './check-conditions.js';
import { checksumHeaders } from './object-headers.js';
import { lockRequestOf } from './object-lock-input.js';
import { taggingHeaderOf } from './tagging-input.js';
import { writeVersionIdHeader } from './version-headers.js';
import { writeExpectationOf } from './write-conditions.js';
import { sseRequestOf, sseResponseHeaders } from './sse-headers.js';

const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY']);
const CANNED_OK = new Set(['private', 'bucket-owner-full-control']);

/** Headers that ask for behaviour Coffer does not have yet: refusing beats silently ignoring.
 * (SSE headers are parsed by every writer that calls this: sse-headers.ts.) */
const NOT_YET = ['x-amz-website-redirect-location'];

/** Headers only some writers implement (PutObject, CopyObject): refused unless the caller says it handles them. */
const HANDLED_BY_SOME = ['x-amz-tagging', 'if-match', 'if-none-match'] as const;
export type CallerHandledHeader = (typeof HANDLED_BY_SOME)[number];

export function refuseUnsupportedObjectHeaders(ctx: OperationContext, handles: readonly CallerHandledHeader[] = []): void {
  for (const name of [...NOT_YET, ...HANDLED_BY_SOME.filter((h) => !handles.includes(h))]) {
    if (ctx.headers[name] !== undefined) throw new AppError('NotImplemented', { message: `The ${name} header is not supported yet.` });
  }
  const acl = ctx.headers['x-amz-acl'];
  if ((typeof acl === 'string' && !CANNED_OK.has(acl)) || Object.keys(ctx.headers).some((n) => n.startsWith('x-amz-grant-'))) {
    throw new AppError('AccessControlListNotSupported', { message: 'The bucket does not allow ACLs' });
  }
}

export function contentHeadersOf(ctx: OperationContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STORED_CONTENT_HEADERS) {
    const raw = ctx.headers[name];
    const value = name === 'content-encoding' && typeof raw === 'string' ? storedContentEncoding(raw) : raw;
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export function userMetadataOf(ctx: OperationContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) out[name.slice(11)] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

export function storageClassOf(ctx: OperationContext): string {
  const value = ctx.headers['x-amz-storage-class'];
  if (value === undefined) return 'STANDARD';
  if (typeof value !== 'string' || !STORAGE_CLASSES.has(value)) throw new AppError('InvalidStorageClass');
  return value;
}

export function contentMd5Of(ctx: OperationContext): string | undefined {
  const value = ctx.headers['content-md5'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(value)) throw new AppError('InvalidDigest');
  return value;
}

export const PutObject = defineOperation({
  name: 'PutObject',
  needsBucket: true,
  // S3: tagging on upload also needs s3:PutObjectTagging, lock headers the lock actions.
  authorize: (route) => objectWriteChecks(route),
  handle: async (ctx) => {
    refuseUnsupportedObjectHeaders(ctx, ['x-amz-tagging', 'if-match', 'if-none-match']);
    const tags = taggingHeaderOf(ctx.headers);
    const lock = lockRequestOf(ctx.headers, ctx.now);
    const expect = writeExpectationOf(ctx.headers);
    const size = ctx.payloadLength();
    const streaming = String(ctx.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const plainChunked = ctx.headers['transfer-encoding'] !== undefined && !streaming;
    if (size === undefined && !plainChunked) throw new AppError('MissingContentLength');
    const sse = sseRequestOf(ctx);
    const plan = planChecksum(ctx);
    const contentMd5 = contentMd5Of(ctx);
    const storageClass = storageClassOf(ctx);
    const { body, verify } = checksumBody(ctx, plan);
    const record = await ctx.services.objects.putObject({
      bucket: ctx.bucket as string,
      key: ctx.key as string,
      body,
      size,
      contentHeaders: contentHeadersOf(ctx),
      userMetadata: userMetadataOf(ctx),
      storageClass,
      contentMd5,
      afterBody: verify,
      tags,
      expect,
      ...(lock === undefined ? {} : { lock }),
      sse,
    });
    return { headers: { etag: record.etag, ...checksumHeaders(record), ...writeVersionIdHeader(record), ...sseResponseHeaders(record.encryption) } };
  },
});
