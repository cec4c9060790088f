export { createOrphanSweeper } from './orphan-sweep.js';
export type { OrphanSweeper } from './orphan-sweep.js';
export { createUploadExpirer } from './upload-expiry.js';
export type { UploadExpirer } from './upload-expiry.js';
export { createPeriodicJob } from './periodic.js';
export type { PeriodicJob } from './periodic.js';
