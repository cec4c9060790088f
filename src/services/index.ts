export * from './buckets/index.js';
export * from './objects/index.js';
