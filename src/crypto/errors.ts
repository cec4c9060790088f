/**
 * CryptoError: the one error type of src/crypto. 'NotAuthentic' means the bytes (a package, a
 * sealed key, a sealed value) failed authentication or the stream was truncated, reordered or
 * extended — the caller must treat the object as corrupt or the key as wrong and return no
 * plaintext. 'InvalidInput' means a caller bug or a request outside the object (bad key length,
 * range outside the plaintext). Messages never carry key material.
 */
export type CryptoErrorCode = 'NotAuthentic' | 'InvalidInput';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

export function isCryptoError(error: unknown): error is CryptoError {
  return error instanceof CryptoError;
}

/** Throws InvalidInput unless `key` is a 32-byte Buffer. */
export function checkKey(key: Buffer, what = 'key'): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new CryptoError('InvalidInput', `${what} must be 32 bytes`);
}
