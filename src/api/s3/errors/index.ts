export { S3_ERRORS } from './catalogue.js';
export type { S3ErrorCode } from './catalogue.js';
export { APP_TO_S3 } from './map.js';
export { renderS3Error } from './render.js';
export type { RenderedError } from './render.js';
