/**
 * SSE request headers (AWS): x-amz-server-side-encryption (AES256 | aws:kms) with the KMS key id
 * and encryption context, and the SSE-C triple (algorithm, key, key MD5) — also in its
 * x-amz-copy-source- form for the source of a copy. Validates everything before a body byte is
 * read. The SSE-C key lives only in the returned request object: never logged, never stored
 * (only its MD5 is), and refused over plain HTTP unless the client is on this host.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../core/index.js';
import { kmsKeyName, type CustomerKey, type SseRequest } from '../../../services/index.js';
import type { ObjectEncryption } from '../../../storage/ports.js';
import type { OperationContext } from '../operation.js';

const SSE = 'x-amz-server-side-encryption';
const CUSTOMER = 'x-amz-server-side-encryption-customer-';
const COPY_CUSTOMER = 'x-amz-copy-source-server-side-encryption-customer-';

type Headers = OperationContext['headers'];

const one = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const invalid = (message: string, name?: string): AppError =>
  new AppError('InvalidArgument', { message, ...(name ? { fields: { ArgumentName: name } } : {}) });

/** The SSE a write asks for (PutObject, CopyObject destination, CreateMultipartUpload), or undefined. */
export function sseRequestOf(ctx: Pick<OperationContext, 'headers' | 'transport'>): SseRequest | undefined {
  const algorithm = one(ctx.headers, SSE);
  const keyId = one(ctx.headers, `${SSE}-aws-kms-key-id`);
  const context = one(ctx.headers, `${SSE}-context`);
  const customer = customerKeyOf(ctx, CUSTOMER);
  if (customer) {
    if (algorithm !== undefined || keyId !== undefined || context !== undefined) {
      throw invalid('Server side encryption specified with both SSE-C and SSE-S3/SSE-KMS headers.', SSE);
    }
    return { mode: 'SSE-C', ...customer };
  }
  if (algorithm === undefined) {
    if (keyId !== undefined || context !== undefined) throw invalid('Server side encryption key id or context given without x-amz-server-side-encryption: aws:kms.', SSE);
    return undefined;
  }
  if (algorithm === 'AES256') {
    if (keyId !== undefined || context !== undefined) throw invalid('A KMS key id or context is only valid with aws:kms.', `${SSE}-aws-kms-key-id`);
    return { mode: 'SSE-S3' };
  }
  if (algorithm !== 'aws:kms') throw invalid('The encryption method specified is not supported', SSE);
  return { mode: 'SSE-KMS', keyId: keyId === undefined ? undefined : kmsKeyIdOf(keyId), context: context === undefined ? undefined : contextOf(context) };
}

/** `arn:aws:kms:…:key/NAME` or NAME → NAME; an empty id is invalid. */
export function kmsKeyIdOf(raw: string): string {
  const id = kmsKeyName(raw);
  if (id === '' || id.length > 256) throw invalid('Invalid KMS key id.', `${SSE}-aws-kms-key-id`);
  return id;
}

/** The encryption context: base64 of a JSON object whose values are strings. */
function contextOf(raw: string): string {
  let value: unknown;
  try {
    const text = Buffer.from(raw, 'base64').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, '')) throw new Error('not base64');
    value = JSON.parse(text);
  } catch {
    throw invalid('The encryption context is not valid base64-encoded JSON.', `${SSE}-context`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid('The encryption context must be a JSON object of strings.', `${SSE}-context`);
  }
  return raw;
}

/** SSE-C key of the request (prefix CUSTOMER) or of a copy source (COPY_CUSTOMER); undefined if absent. */
export function customerKeyOf(ctx: Pick<OperationContext, 'headers' | 'transport'>, prefix: string = CUSTOMER): CustomerKey | undefined {
  const algorithm = one(ctx.headers, `${prefix}algorithm`);
  const key = one(ctx.headers, `${prefix}key`);
  const md5 = one(ctx.headers, `${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (!ctx.transport.secure && !ctx.transport.loopback) {
    throw new AppError('InvalidRequest', { message: 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.' });
  }
  if (algorithm === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', `${prefix}algorithm`);
  if (algorithm !== 'AES256') throw invalid('The encryption algorithm specified is not supported.', `${prefix}algorithm`);
  if (key === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', `${prefix}key`);
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== key) throw invalid('The secret key was invalid for the specified algorithm.', `${prefix}key`);
  const actual = createHash('md5').update(bytes).digest();
  const given = md5 === undefined ? Buffer.alloc(0) : Buffer.from(md5, 'base64');
  if (md5 === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.', `${prefix}key-md5`);
  if (given.length !== actual.length || !timingSafeEqual(given, actual)) throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.', `${prefix}key-md5`);
  return { key: bytes, keyMd5: actual.toString('base64') };
}

export function copySourceCustomerKeyOf(ctx: Pick<OperationContext, 'headers' | 'transport'>): CustomerKey | undefined {
  return customerKeyOf(ctx, COPY_CUSTOMER);
}

/**
 * GetObject / HeadObject: AWS answers x-amz-server-side-encryption (and its KMS key id / context)
 * on a read with 400 — SSE-S3 and SSE-KMS objects decrypt without them; only SSE-C keys are sent.
 */
export function refuseSseHeadersOnRead(headers: Headers): void {
  for (const name of [SSE, `${SSE}-aws-kms-key-id`, `${SSE}-context`]) {
    if (headers[name] !== undefined) throw invalid(`${name} header is not supported for this operation.`, name);
  }
}

/**
 * UploadPart, UploadPartCopy, CompleteMultipartUpload: an SSE-C key sent with a request of an
 * upload must be the one the upload was created with (400 InvalidArgument otherwise, as AWS),
 * and SSE-C headers on an upload that is not SSE-C are refused.
 */
export function assertUploadCustomerKey(encryption: Pick<ObjectEncryption, 'mode' | 'keyMd5'> | undefined, customer: CustomerKey | undefined): void {
  if (!customer) return;
  if (encryption?.mode !== 'SSE-C') throw new AppError('InvalidRequest', { message: 'The encryption parameters are not applicable to this object.' });
  const stored = Buffer.from(encryption.keyMd5 ?? '', 'base64');
  const given = Buffer.from(customer.keyMd5, 'base64');
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
    throw invalid('The provided encryption key does not match the key used to initiate the multipart upload.', `${CUSTOMER}key`);
  }
}

/** True when the request carries any SSE header (the write then does not take the bucket default). */
export function hasSseHeaders(headers: Headers): boolean {
  return Object.keys(headers).some((name) => name.startsWith(SSE));
}

/** Response headers describing a version's (or upload's) encryption, as AWS echoes them. */
export function sseResponseHeaders(encryption: Pick<ObjectEncryption, 'mode' | 'keyId' | 'keyMd5' | 'context'> | undefined): Record<string, string> {
  if (!encryption) return {};
  switch (encryption.mode) {
    case 'SSE-S3':
      return { [SSE]: 'AES256' };
    case 'SSE-KMS':
      return {
        [SSE]: 'aws:kms',
        ...(encryption.keyId !== undefined ? { [`${SSE}-aws-kms-key-id`]: `arn:aws:kms:${encryption.keyId}` } : {}),
        ...(encryption.context !== undefined ? { [`${SSE}-context`]: encryption.context } : {}),
      };
    case 'SSE-C':
      return { [`${CUSTOMER}algorithm`]: 'AES256', ...(encryption.keyMd5 !== undefined ? { [`${CUSTOMER}key-md5`]: encryption.keyMd5 } : {}) };
  }
}
