/**
 * Key hierarchy (docs/security/crypto-format.md §2–3): object keys, their sealing, part keys and
 * sealed small values.
 *
 * Protects: the object key (OEK) that encrypts an object's content. It is never stored in the
 * clear: it is sealed under a key-encryption key (KEK) derived from the external key — the KMS
 * data key (SSE-S3, SSE-KMS) or the customer key (SSE-C).
 * Construction: OEK = 32 random bytes. KEK = HMAC-SHA256(external, iv(32 random) ‖ domain ‖
 * "coffer-seal-v1" ‖ "bucket/key"); sealed = nonce(12) ‖ AES-256-GCM(KEK, nonce, OEK, AAD) ‖
 * tag(16), AAD = "coffer-seal-v1" 0x00 domain 0x00 "bucket/key". Part key = HMAC-SHA256(OEK,
 * uint32 LE part number). Value key = HMAC-SHA256(OEK, "coffer-value-v1" 0x00 label).
 * Bound: the external key, the SSE domain, bucket and object key name (bucket names contain no
 * '/', and domains are a closed set none of which is a prefix of another, so the HMAC input is
 * unambiguous). A copy or rename must unseal and re-seal.
 * Invariants: unseal returns the exact OEK or throws CryptoError('NotAuthentic') — a wrong
 * external key, another bucket/key/domain or any flipped bit of iv/sealed all fail the tag.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { CryptoError, checkKey } from './errors.js';

export type SseDomain = 'SSE-S3' | 'SSE-KMS' | 'SSE-C';
export const SSE_DOMAINS: readonly SseDomain[] = ['SSE-S3', 'SSE-KMS', 'SSE-C'];
export const SEAL_ALGORITHM = 'coffer-v1-hmac-sha256-aes-gcm';
const SEAL_LABEL = 'coffer-seal-v1';
const VALUE_LABEL = 'coffer-value-v1';

export interface SealBinding {
  domain: SseDomain;
  bucket: string;
  key: string;
}

/** Stored with the object version; all three fields are needed to unseal. */
export interface SealedKey {
  algorithm: typeof SEAL_ALGORITHM;
  /** base64 of the 32-byte random IV mixed into the KEK. */
  iv: string;
  /** base64 of nonce(12) ‖ ciphertext(32) ‖ tag(16). */
  sealed: string;
}

/** 32-byte object key for one object: fresh random. */
export function newObjectKey(): Buffer {
  return randomBytes(32);
}

function checkBinding(binding: SealBinding): void {
  if (!SSE_DOMAINS.includes(binding.domain)) throw new CryptoError('InvalidInput', 'unknown SSE domain');
  if (typeof binding.bucket !== 'string' || binding.bucket === '' || binding.bucket.includes('/')) {
    throw new CryptoError('InvalidInput', 'invalid bucket name in seal binding');
  }
  if (typeof binding.key !== 'string' || binding.key === '') throw new CryptoError('InvalidInput', 'invalid object key in seal binding');
}

function kek(external: Buffer, iv: Buffer, binding: SealBinding): Buffer {
  return createHmac('sha256', external)
    .update(iv)
    .update(binding.domain, 'utf8')
    .update(SEAL_LABEL, 'utf8')
    .update(`${binding.bucket}/${binding.key}`, 'utf8')
    .digest();
}

function sealAad(binding: SealBinding): Buffer {
  return Buffer.from(`${SEAL_LABEL}\0${binding.domain}\0${binding.bucket}/${binding.key}`, 'utf8');
}

function gcmSeal(key: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, aad: Buffer, sealed: Buffer, what: string): Buffer {
  if (sealed.length < 28) throw new CryptoError('NotAuthentic', `${what} is malformed`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  } catch (cause) {
    throw new CryptoError('NotAuthentic', `${what} failed authentication`, { cause });
  }
}

/** Strict base64 decode: anything that does not round-trip is tampered metadata. */
function fromB64(value: unknown, length: number, what: string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (typeof value !== 'string' || bytes.length !== length || bytes.toString('base64') !== value) {
    throw new CryptoError('NotAuthentic', `${what} is malformed`);
  }
  return bytes;
}

/** Seals the object key under a KEK derived from the external key, bound to domain and name. */
export function sealObjectKey(objectKey: Buffer, external: Buffer, binding: SealBinding): SealedKey {
  checkKey(objectKey, 'object key');
  checkKey(external, 'external key');
  checkBinding(binding);
  const iv = randomBytes(32);
  const sealed = gcmSeal(kek(external, iv, binding), sealAad(binding), objectKey);
  return { algorithm: SEAL_ALGORITHM, iv: iv.toString('base64'), sealed: sealed.toString('base64') };
}

/** Returns the object key, or throws CryptoError('NotAuthentic'). */
export function unsealObjectKey(sealed: SealedKey, external: Buffer, binding: SealBinding): Buffer {
  checkKey(external, 'external key');
  checkBinding(binding);
  if (sealed?.algorithm !== SEAL_ALGORITHM) throw new CryptoError('NotAuthentic', 'unknown seal algorithm');
  const iv = fromB64(sealed.iv, 32, 'sealed key IV');
  const box = fromB64(sealed.sealed, 12 + 32 + 16, 'sealed key');
  return gcmOpen(kek(external, iv, binding), sealAad(binding), box, 'sealed object key');
}

/** Part key for multipart: HMAC-SHA256(objectKey, uint32 LE partNumber). */
export function partKey(objectKey: Buffer, partNumber: number): Buffer {
  checkKey(objectKey, 'object key');
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 0xffffffff) {
    throw new CryptoError('InvalidInput', 'part number out of range');
  }
  const n = Buffer.alloc(4);
  n.writeUInt32LE(partNumber);
  return createHmac('sha256', objectKey).update(n).digest();
}

function valueKey(objectKey: Buffer, label: string): Buffer {
  checkKey(objectKey, 'object key');
  if (typeof label !== 'string' || label === '' || label.includes('\0')) throw new CryptoError('InvalidInput', 'invalid value label');
  return createHmac('sha256', objectKey).update(`${VALUE_LABEL}\0${label}`, 'utf8').digest();
}

/** Seals a small value (e.g. label 'etag') under a key derived from the object key; base64. */
export function sealValue(objectKey: Buffer, label: string, value: Buffer): string {
  if (!Buffer.isBuffer(value) || value.length > 4096) throw new CryptoError('InvalidInput', 'value must be a Buffer of at most 4 KiB');
  const aad = Buffer.from(`${VALUE_LABEL}\0${label}`, 'utf8');
  return gcmSeal(valueKey(objectKey, label), aad, value).toString('base64');
}

/** Opens a value from sealValue with the same object key and label, or throws NotAuthentic. */
export function unsealValue(objectKey: Buffer, label: string, sealed: string): Buffer {
  const key = valueKey(objectKey, label);
  const box = typeof sealed === 'string' ? Buffer.from(sealed, 'base64') : Buffer.alloc(0);
  if (typeof sealed !== 'string' || box.toString('base64') !== sealed) throw new CryptoError('NotAuthentic', 'sealed value is malformed');
  return gcmOpen(key, Buffer.from(`${VALUE_LABEL}\0${label}`, 'utf8'), box, 'sealed value');
}
