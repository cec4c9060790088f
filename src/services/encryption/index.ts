export { ObjectCrypto, kmsKeyName, md5Base64, missingCustomerKey, wrongCustomerKey, type SealedWrite } from './object-crypto.js';
export { asIntegrityError, decryptInline, encryptBytes, openEncryptedBlobs } from './encrypted-data.js';
export type { CustomerKey, SseRequest } from './types.js';
