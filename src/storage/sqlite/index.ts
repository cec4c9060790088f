export { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';
export type { SqliteMetadataStoreOptions } from './open-sqlite-metadata-store.js';
