export { createFsBlobStore } from './fs-blob-store.js';
export type { FsBlobStoreOptions } from './fs-blob-store.js';
export { BLOB_ID_PATTERN } from './layout.js';
