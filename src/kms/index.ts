export { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsErrorCode, type KmsStatus } from './key-manager.js';
export { createKeyManager, importStaticKey, type ImportTarget, type KmsSettings } from './factory.js';
export { StaticKeyManager, type StaticKeySettings } from './static/index.js';
export { KesKeyManager, type KesSettings } from './kes/index.js';
export { Pkcs11KeyManager, type Pkcs11Settings } from './pkcs11/index.js';
export { LegacyKeyManager } from './legacy-key-manager.js';
export { canonicalContext } from './sealed-data-key.js';
export { isValidKeyId } from './key-id.js';
