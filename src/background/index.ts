export { createOrphanSweeper } from './orphan-sweep.js';
export type { OrphanSweeper } from './orphan-sweep.js';
