export { BucketService } from './bucket-service.js';
export type { BucketPageQuery, BucketServiceDeps } from './bucket-service.js';
