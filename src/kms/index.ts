export { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsErrorCode, type KmsStatus } from './key-manager.js';
