export { BucketService } from './buckets/bucket-service.js';
export type { BucketServiceDeps } from './buckets/bucket-service.js';
export { ObjectService, MAX_PUT_OBJECT_BYTES, INLINE_THRESHOLD_BYTES } from './objects/object-service.js';
export type { PutObjectInput, ObjectServiceDeps } from './objects/object-service.js';
