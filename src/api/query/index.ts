export { createQueryHandler } from './pipeline.js';
export type { QueryHandlerDeps } from './pipeline.js';
export { isQueryRequest } from './request.js';
