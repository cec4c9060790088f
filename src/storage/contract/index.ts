export { runMetadataStoreContract } from './metadata-store-contract.js';
export { runBlobStoreContract } from './blob-store-contract.js';
export type { BlobStoreFactory, BlobStoreHarness, MetadataStoreFactory, MetadataStoreHarness } from './harness.js';
export { bucketRecord, objectRecord, deleteMarker, expectedListing, byUtf8, UNICODE_KEYS_IN_ORDER } from './fixtures.js';
