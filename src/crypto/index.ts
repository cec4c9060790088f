/**
 * src/crypto: object encryption for SSE-S3, SSE-KMS and SSE-C — the key hierarchy (object keys
 * sealed under a key derived from the KMS data key or the customer key, bound to domain, bucket
 * and key), per-part keys, and the "coffer-dare-v1" stream format (64 KiB AES-256-GCM packages
 * that authenticate order, completeness and every bit). Pure code: node:crypto, node:stream.
 * The format is specified in docs/security/crypto-format.md.
 */
export { CryptoError, isCryptoError } from './errors.js';
export type { CryptoErrorCode } from './errors.js';
export { newObjectKey, sealObjectKey, unsealObjectKey, partKey, sealValue, unsealValue, SEAL_ALGORITHM, SSE_DOMAINS } from './keys.js';
export type { SealedKey, SealBinding, SseDomain } from './keys.js';
export { encryptStream, encryptBuffer } from './encrypt-stream.js';
export { decryptStream, decryptBuffer } from './decrypt-stream.js';
export type { DecryptOptions } from './decrypt-stream.js';
export { encryptedSize, plaintextSize, encryptedRange, encryptedPartRanges, encryptedMultipartSize } from './sizes.js';
export type { EncryptedRange, PartRange } from './sizes.js';
export { STREAM_FORMAT, PAYLOAD_SIZE, PACKAGE_SIZE, PACKAGE_OVERHEAD } from './package-format.js';
