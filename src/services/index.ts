export * from './buckets/index.js';
export * from './objects/index.js';
export * from './multipart/index.js';
export * from './iam/index.js';
export * from './encryption/index.js';
export * from './federation/index.js';
