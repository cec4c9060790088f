/**
 * SSE key management for objects: picks the mode of a write (request headers, else the bucket
 * default, else auto-encryption), creates and seals a fresh object key, and unseals it for reads.
 *
 * Protects: the object key (src/crypto) never leaves this process unsealed. SSE-S3 / SSE-KMS:
 * the object key is sealed with a KMS data key generated for the context
 * { bucket: "bucket/key", …client context }; only the KMS ciphertext of the data key is stored.
 * SSE-C: the object key is sealed with the client's key; only the key's MD5 is stored.
 * Inputs bound: domain (mode), bucket and key in every seal (src/crypto) and in the KMS context,
 * so a record moved to another name, or a mode switched in the database, fails to unseal.
 * Invariants: a failed unseal never yields a key — wrong SSE-C key → 403 AccessDenied; a sealed
 * key that does not authenticate with a server-side key → StorageCorrupt (a logged integrity
 * error, 500); KMS unreachable → 503 ServiceUnavailable before anything is written.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/index.js';
import { CryptoError, newObjectKey, sealObjectKey, unsealObjectKey } from '../../crypto/index.js';
import { KmsError, type KeyManager, type KmsContext } from '../../kms/index.js';
import type { BucketRecord, ObjectEncryption, SealedKeyMaterial } from '../../storage/ports.js';
import type { CustomerKey, SseRequest } from './types.js';

export type SealedWrite = { objectKey: Buffer; encryption: Omit<ObjectEncryption, 'plainSize'> };

export class ObjectCrypto {
  readonly #kms: KeyManager | undefined;
  readonly #autoEncryption: boolean;

  constructor(kms: KeyManager | undefined, options: { autoEncryption?: boolean } = {}) {
    this.#kms = kms;
    this.#autoEncryption = options.autoEncryption === true && kms !== undefined;
  }

  get kmsConfigured(): boolean {
    return this.#kms !== undefined;
  }

  /** The mode a write uses: its own headers win, then the bucket default, then auto-encryption. */
  forWrite(bucket: BucketRecord | undefined, request: SseRequest | undefined): SseRequest | undefined {
    if (request) return request;
    const rule = bucket?.encryption;
    if (rule?.algorithm === 'aws:kms') return { mode: 'SSE-KMS', keyId: rule.kmsKeyId === undefined ? undefined : kmsKeyName(rule.kmsKeyId) };
    if (rule?.algorithm === 'AES256') return { mode: 'SSE-S3' };
    return this.#autoEncryption ? { mode: 'SSE-S3' } : undefined;
  }

  /** 501 unless a KMS is configured (SSE-S3 / SSE-KMS requests). */
  requireKms(): KeyManager {
    if (!this.#kms) throw new AppError('NotImplemented', { message: 'Server side encryption specified but KMS is not configured' });
    return this.#kms;
  }

  /** PutBucketEncryption: a KMS is configured and the key (default: the KMS default key) exists. */
  async assertKeyUsable(keyId: string | undefined): Promise<void> {
    const kms = this.requireKms();
    const dataKey = await kmsCall(() => kms.generateDataKey(keyId ?? kms.defaultKeyId, { purpose: 'key-check' }));
    dataKey.plaintext.fill(0);
  }

  /** A fresh object key sealed for bucket/key in the request's mode. */
  async seal(request: SseRequest, bucket: string, key: string): Promise<SealedWrite> {
    const objectKey = newObjectKey();
    const binding = { domain: request.mode, bucket, key };
    if (request.mode === 'SSE-C') {
      return { objectKey, encryption: { mode: 'SSE-C', keyMd5: request.keyMd5, sealedObjectKey: sealObjectKey(objectKey, request.key, binding) } };
    }
    const kms = this.requireKms();
    const keyId = (request.mode === 'SSE-KMS' ? request.keyId : undefined) ?? kms.defaultKeyId;
    const clientContext = request.mode === 'SSE-KMS' ? request.context : undefined;
    const dataKey = await kmsCall(() => kms.generateDataKey(keyId, kmsContext(bucket, key, clientContext)));
    try {
      return {
        objectKey,
        encryption: {
          mode: request.mode,
          keyId,
          sealedDataKey: dataKey.ciphertext.toString('base64'),
          ...(clientContext !== undefined ? { context: clientContext } : {}),
          sealedObjectKey: sealObjectKey(objectKey, dataKey.plaintext, binding),
        },
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  /**
   * Key rotation: `objectKey` sealed again under a fresh data key of `keyId`, with the version's
   * own binding (mode, bucket, key) and KMS context. The object key itself never changes.
   */
  async reseal(encryption: Omit<ObjectEncryption, 'plainSize'>, objectKey: Buffer, bucket: string, key: string, keyId: string): Promise<SealedKeyMaterial> {
    if (encryption.mode === 'SSE-C') throw new AppError('InvalidRequest', { message: 'SSE-C keys are held by the client.' });
    const kms = this.requireKms();
    const dataKey = await kmsCall(() => kms.generateDataKey(keyId, kmsContext(bucket, key, encryption.context)));
    try {
      const sealedObjectKey = sealObjectKey(objectKey, dataKey.plaintext, { domain: encryption.mode, bucket, key });
      return { keyId, sealedDataKey: dataKey.ciphertext.toString('base64'), sealedObjectKey };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  /** The object key of a stored version (or upload); `customer` is the SSE-C key of the request. */
  async unseal(encryption: Omit<ObjectEncryption, 'plainSize'>, bucket: string, key: string, customer: CustomerKey | undefined): Promise<Buffer> {
    const binding = { domain: encryption.mode, bucket, key };
    if (encryption.mode === 'SSE-C') {
      if (!customer) throw missingCustomerKey();
      if (!sameMd5(customer.keyMd5, encryption.keyMd5)) throw wrongCustomerKey();
      try {
        return unsealObjectKey(encryption.sealedObjectKey as never, customer.key, binding);
      } catch (error) {
        if (error instanceof CryptoError) throw wrongCustomerKey();
        throw error;
      }
    }
    if (customer) throw new AppError('InvalidRequest', { message: 'The encryption parameters are not applicable to this object.' });
    const kms = this.requireKms();
    const where = { bucket, key, mode: encryption.mode, keyId: encryption.keyId };
    const dataKey = await kmsCall(() => kms.decrypt(encryption.keyId as string, Buffer.from(encryption.sealedDataKey ?? '', 'base64'), kmsContext(bucket, key, encryption.context)), where);
    try {
      return unsealObjectKey(encryption.sealedObjectKey as never, dataKey, binding);
    } catch (error) {
      if (error instanceof CryptoError) throw integrityError(where, 'sealed object key does not authenticate', error);
      throw error;
    } finally {
      dataKey.fill(0);
    }
  }
}

/** A KMS key id as given (`arn:aws:kms:…:key/NAME`, `arn:aws:kms:NAME` or NAME) → NAME. */
export function kmsKeyName(raw: string): string {
  return raw.replace(/^arn:aws:kms:[^:]*:[^:]*:key\//, '').replace(/^arn:aws:kms:/, '');
}

/** The KMS context: Coffer's binding of bucket and key, plus the client's SSE-KMS context. */
function kmsContext(bucket: string, key: string, clientContext: string | undefined): KmsContext {
  const client = clientContext === undefined ? {} : (JSON.parse(Buffer.from(clientContext, 'base64').toString('utf8')) as Record<string, string>);
  return { ...client, bucket: `${bucket}/${key}` };
}

async function kmsCall<T>(call: () => Promise<T>, where?: Record<string, unknown>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof KmsError)) throw error;
    switch (error.code) {
      case 'NotFound':
        throw new AppError('KMS.NotFoundException', { message: 'Invalid keyId', details: { reason: error.message }, cause: error });
      case 'Unavailable':
        throw new AppError('ServiceUnavailable', { message: 'The KMS is not reachable.', details: { reason: error.message }, cause: error });
      case 'NotAuthentic':
        throw integrityError(where ?? {}, 'sealed data key does not authenticate', error);
      case 'Denied':
        throw new AppError('AccessDenied', { details: { reason: `KMS: ${error.message}` }, cause: error });
      default:
        throw new AppError('InternalError', { details: { reason: `KMS ${error.code}: ${error.message}` }, cause: error });
    }
  }
}

function integrityError(where: Record<string, unknown>, reason: string, cause: unknown): AppError {
  return new AppError('StorageCorrupt', { details: { integrity: true, reason, ...where }, cause });
}

function sameMd5(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function missingCustomerKey(): AppError {
  return new AppError('InvalidRequest', { message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' });
}

export function wrongCustomerKey(): AppError {
  return new AppError('AccessDenied', { message: 'Access Denied' });
}

export function md5Base64(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('base64');
}
