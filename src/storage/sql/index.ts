export { createSqlMetadataStore } from './sql-metadata-store.js';
export type { SqlMetadataStoreOptions } from './sql-metadata-store.js';
export type { DirectReader } from './prepared.js';
export type { CofferSchema, SqlDialectProfile } from './schema.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { compareUtf8, prefixUpperBound, commonPrefixOf } from './key-range.js';
export { buildQueries } from './queries.js';
export type { StoreQueries } from './queries.js';
export { encodeObject } from './codec.js';
