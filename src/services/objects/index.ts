export { ObjectService, MAX_PUT_OBJECT_BYTES, INLINE_THRESHOLD_BYTES } from './object-service.js';
export type { PutObjectInput, ObjectServiceDeps, DeleteObjectOptions } from './object-service.js';
export { assertLockAllowed, lockForWrite, mapLocked, OBJECT_LOCKED_MESSAGE } from './object-lock.js';
export type { DeleteOutcome } from './versioning.js';
export { BodyTap } from './body-tap.js';
export type { DeleteConditions, WriteExpectation } from './conditions.js';
export { evaluateExpectation, withExpectation } from './conditions.js';
