export { BucketService } from './bucket-service.js';
export type { BucketServiceDeps } from './bucket-service.js';
