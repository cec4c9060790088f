export { Pkcs11KeyManager, type Pkcs11Settings } from './pkcs11-key-manager.js';
export { loadPkcs11js, type ModuleImporter } from './pkcs11-api.js';
