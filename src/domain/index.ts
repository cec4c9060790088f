export { assertValidBucketName, assertBucketNameNotReserved, bucketNameProblem, RESERVED_BUCKET_NAMES } from './bucket-name.js';
export { assertValidObjectKey, MAX_KEY_BYTES } from './object-key.js';
export { assertUserMetadataSize, MAX_USER_METADATA_BYTES, STORED_CONTENT_HEADERS } from './metadata.js';
export { resolveRange } from './range.js';
export type { ResolvedRange } from './range.js';
export { newVersionId, versionIdForWrite, NULL_VERSION_ID } from './version-id.js';
export type { BucketVersioning } from './version-id.js';
