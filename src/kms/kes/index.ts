export { KesKeyManager } from './kes-key-manager.js';
export type { KesSettings } from './kes-transport.js';
