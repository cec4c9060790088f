export { ObjectCrypto, kmsKeyName, md5Base64, missingCustomerKey, wrongCustomerKey, type SealedWrite } from './object-crypto.js';
export { asIntegrityError, decryptInline, encryptBytes, openEncryptedBlobs } from './encrypted-data.js';
export { KeyRotation, type KeyRotationDeps } from './key-rotation.js';
export type { RotationFailure, RotationOptions, RotationState, RotationStatus, SkipReason } from './rotation-state.js';
export type { CustomerKey, SseRequest } from './types.js';
