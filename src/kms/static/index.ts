export { StaticKeyManager, type StaticKeySettings } from './static-key-manager.js';
