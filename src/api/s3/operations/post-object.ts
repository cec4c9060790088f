/**
 * PostObject: browser form upload to a bucket (multipart/form-data with a SigV4 POST policy).
 * Order, so that nothing is stored on any failure and no file byte is read for an unauthorized
 * caller: fields before the file (bounded) → key and file present → form signature
 * (ctx.admitFormCaller: authenticate, authorize s3:PutObject on bucket/key, bucket exists) →
 * policy (expiration, every condition, every field covered) → stream the file to storage with
 * the content-length-range enforced while streaming and its minimum checked before the commit.
 * A form without a policy is anonymous: admitted only when the bucket policy grants "*"
 * s3:PutObject on the key (then there are no policy conditions to check).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../../core/index.js';
import { checkPostPolicy, parsePostPolicy, STORED_CONTENT_HEADERS } from '../../../domain/index.js';
import { MAX_PUT_OBJECT_BYTES } from '../../../services/index.js';
import { buildXml } from '../../common/xml/index.js';
import { defineOperation, type OperationContext, type S3Reply } from '../operation.js';
import { assertMultipartForm, readPostForm } from '../post-form.js';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import { objectWriteChecks, requestTagConditions } from './check-conditions.js';
import { lockRequestOf } from './object-lock-input.js';
import { parseTaggingDocument } from './tagging-input.js';
import { writeVersionIdHeader } from './version-headers.js';

const AUTH_FIELDS = ['policy', 'x-amz-signature', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'awsaccesskeyid', 'signature'];
const V4_FIELDS = ['x-amz-signature', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date'];
const V2_FIELDS = ['awsaccesskeyid', 'signature'];
const NOT_YET_PREFIXES = ['x-amz-server-side-encryption', 'x-amz-checksum-', 'x-amz-website-redirect-location'];
const LOCK_FIELDS = ['x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date', 'x-amz-object-lock-legal-hold'];
const CANNED_OK = new Set(['private', 'bucket-owner-full-control']);
const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY']);

function missingField(name: string): AppError {
  return new AppError('InvalidArgument', {
    message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    fields: { ArgumentName: name, ArgumentValue: '' },
  });
}

/** Counts the file while it streams; refuses it as soon as it passes the allowed maximum. */
class LengthRange extends Transform {
  bytes = 0;
  readonly #max: number;

  constructor(max: number) {
    super({ highWaterMark: 1 << 20 });
    this.#max = max;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#max) {
      callback(new AppError('EntityTooLarge', { message: 'Your proposed upload exceeds the maximum allowed size', fields: { MaxSizeAllowed: String(this.#max) } }));
      return;
    }
    callback(null, chunk);
  }
}

/** 'v2' for an AWSAccessKeyId/signature form (refused by authentication, never downgraded),
 * 'v4' otherwise; a form mixing both is refused here. */
function signatureVersion(fields: ReadonlyMap<string, string>): 'v2' | 'v4' {
  const v2 = V2_FIELDS.some((name) => fields.has(name));
  if (!v2) return 'v4';
  if (V4_FIELDS.some((name) => fields.has(name))) {
    throw new AppError('InvalidRequest', { message: 'Only one authentication mechanism may be used in a POST form.' });
  }
  return 'v2';
}

function refuseUnsupportedFields(fields: ReadonlyMap<string, string>): void {
  for (const name of fields.keys()) {
    const unknownLock = name.startsWith('x-amz-object-lock-') && !LOCK_FIELDS.includes(name);
    if (unknownLock || NOT_YET_PREFIXES.some((prefix) => name.startsWith(prefix))) throw new AppError('NotImplemented', { message: `The ${name} form field is not supported yet.` });
  }
  const acl = fields.get('acl');
  if (acl !== undefined && !CANNED_OK.has(acl)) throw new AppError('AccessControlListNotSupported', { message: 'The bucket does not allow ACLs' });
  const storageClass = fields.get('x-amz-storage-class');
  if (storageClass !== undefined && !STORAGE_CLASSES.has(storageClass)) throw new AppError('InvalidStorageClass');
}

function objectHeaders(fields: ReadonlyMap<string, string>, partType: string) {
  const contentHeaders: Record<string, string> = {};
  for (const name of STORED_CONTENT_HEADERS) {
    const value = fields.get(name);
    if (value !== undefined) contentHeaders[name] = value;
  }
  contentHeaders['content-type'] ??= partType || 'binary/octet-stream';
  const userMetadata: Record<string, string> = {};
  for (const [name, value] of fields) if (name.startsWith('x-amz-meta-')) userMetadata[name.slice(11)] = value;
  return { contentHeaders, userMetadata };
}

/** 303 to success_action_redirect, else 200 / 201 (PostResponse XML) / 204 (default, also for unknown values). */
function successReply(ctx: OperationContext, fields: ReadonlyMap<string, string>, key: string, etag: string): S3Reply {
  const bucket = ctx.bucket as string;
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\/[^\s]+$/i.test(redirect)) {
    try {
      const url = new URL(redirect);
      url.searchParams.append('bucket', bucket);
      url.searchParams.append('key', key);
      url.searchParams.append('etag', etag);
      return { status: 303, headers: { location: url.toString(), etag } };
    } catch {
      // an unparsable redirect is ignored, as S3 does: the status rules below apply
    }
  }
  const location = `http://${String(ctx.headers.host ?? '')}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const status = fields.get('success_action_status');
  if (status === '201') {
    return { status: 201, headers: { etag, location }, body: buildXml('PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: etag }, null) };
  }
  return { status: status === '200' ? 200 : 204, headers: { etag, location } };
}

/**
 * S3: tagging on upload also needs s3:PutObjectTagging; both checks see the request tags
 * (s3:RequestObjectTag/<k>). A tagging field that does not parse adds no keys — the handler
 * refuses it right after admission, before any byte of the file is read.
 */
function formTagChecks(field: string | undefined, bucket: string | undefined, key: string): AuthorizationCheck[] {
  if (field === undefined) return [];
  let conditions = {};
  try {
    conditions = requestTagConditions(parseTaggingDocument(Buffer.from(field, 'utf8'), 'object'));
  } catch {
    // refused below
  }
  return [
    { action: 's3:PutObject', bucket, key, conditions },
    { action: 's3:PutObjectTagging', bucket, key, conditions },
  ];
}

/** The x-amz-object-lock-* fields as the write headers they stand for. */
function lockFields(fields: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of LOCK_FIELDS) {
    const value = fields.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Lock fields need s3:PutObjectRetention / s3:PutObjectLegalHold too, with their condition keys (as the headers of PutObject). */
function formLockChecks(fields: ReadonlyMap<string, string>, bucket: string | undefined, key: string, now: Date): AuthorizationCheck[] {
  const headers = lockFields(fields);
  if (Object.keys(headers).length === 0) return [];
  return objectWriteChecks({ bucket, key, query: new Map(), headers, now }, { tags: false });
}

export const PostObject = defineOperation({
  name: 'PostObject',
  access: 'post-form',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:PutObject', bucket: route.bucket, key: route.key }],
  handle: async (ctx) => {
    const contentType = assertMultipartForm(ctx.headers['content-type']);
    const form = await readPostForm(ctx.body(), contentType);
    const fields = new Map(form.fields);
    refuseUnsupportedFields(fields);
    const template = fields.get('key');
    if (template === undefined) throw missingField('key');
    if (form.file === undefined) throw new AppError('IncorrectNumberOfFilesInPostRequest', { message: 'POST requires exactly one file upload per request.' });
    const key = template.split('${filename}').join(form.file.filename);
    fields.set('key', key);
    const signed = AUTH_FIELDS.some((name) => fields.has(name));
    const policy = fields.get('policy');
    if (signed && policy === undefined) throw missingField('policy');
    const version = signatureVersion(fields);
    await ctx.admitFormCaller(
      policy === undefined
        ? undefined
        : {
            policy,
            ...(version === 'v2' ? { v2: { accessKeyId: fields.get('awsaccesskeyid'), signature: fields.get('signature') } } : {}),
            algorithm: fields.get('x-amz-algorithm'),
            credential: fields.get('x-amz-credential'),
            date: fields.get('x-amz-date'),
            signature: fields.get('x-amz-signature'),
            securityToken: fields.get('x-amz-security-token'),
          },
      key,
      [...formTagChecks(fields.get('tagging'), ctx.bucket, key), ...formLockChecks(fields, ctx.bucket, key, ctx.now)],
    );
    // An anonymous form admitted by a bucket policy has no POST-policy conditions to check.
    const outcome = policy === undefined ? { lengthRange: undefined } : checkPostPolicy(parsePostPolicy(policy), { now: ctx.now, bucket: ctx.bucket as string, fields });
    // The `tagging` field is a <Tagging> document, as the PutObjectTagging body (covered by the policy like every field).
    const taggingField = fields.get('tagging');
    const tags = taggingField === undefined ? undefined : parseTaggingDocument(Buffer.from(taggingField, 'utf8'), 'object');
    const lock = lockRequestOf(lockFields(fields), ctx.now);
    const range = outcome.lengthRange ?? { min: 0, max: MAX_PUT_OBJECT_BYTES };
    const counter = new LengthRange(Math.min(range.max, MAX_PUT_OBJECT_BYTES));
    form.file.stream.on('error', (error) => counter.destroy(error));
    // Bytes may flow (and fail the range) before putObject attaches its pipeline, which then
    // sees the stored error; this listener only keeps it from being an uncaught 'error' event.
    counter.on('error', () => undefined);
    form.file.stream.pipe(counter);
    const { contentHeaders, userMetadata } = objectHeaders(fields, form.file.contentType);
    const record = await ctx.services.objects.putObject({
      bucket: ctx.bucket as string,
      key,
      body: counter,
      size: undefined,
      contentHeaders,
      userMetadata,
      storageClass: fields.get('x-amz-storage-class') ?? 'STANDARD',
      contentMd5: undefined,
      tags,
      ...(lock === undefined ? {} : { lock }),
      afterBody: () => {
        if (counter.bytes < range.min) {
          throw new AppError('EntityTooSmall', {
            message: 'Your proposed upload is smaller than the minimum allowed size',
            fields: { ProposedSize: String(counter.bytes), MinSizeAllowed: String(range.min) },
          });
        }
        return undefined;
      },
    });
    const reply = successReply(ctx, fields, key, record.etag);
    return { ...reply, headers: { ...reply.headers, ...writeVersionIdHeader(record) } };
  },
});
