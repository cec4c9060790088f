export { MultipartService } from './multipart-service.js';
export type { MultipartServiceDeps, CreateUploadInput, PartBodyInput, CompleteInput, ListPartsResult } from './multipart-service.js';
export type { ChecksumKit } from './checksum-kit.js';
export type { CompletePartInput } from './complete.js';
export { MIN_PART_BYTES, MAX_PART_BYTES, MAX_PARTS } from './complete.js';
