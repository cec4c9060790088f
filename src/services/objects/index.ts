export { ObjectService, MAX_PUT_OBJECT_BYTES, INLINE_THRESHOLD_BYTES } from './object-service.js';
export type { PutObjectInput, ObjectServiceDeps } from './object-service.js';
