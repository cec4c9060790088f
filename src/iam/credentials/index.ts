export { RootCredentialStore, rootPrincipal } from './credential-store.js';
export type { CredentialStore, StoredCredential } from './credential-store.js';
export { ACCOUNT_ID } from './principal.js';
export type { Principal, PrincipalKind } from './principal.js';
export { LocalKeySealer, SealError, SEALING_KEY_BYTES, sealAad } from './secret-box.js';
export type { SealBinding, SealPurpose, SecretSealer } from './secret-box.js';
export { IAM_KEY_FILE, KeyFileError, loadOrCreateLocalSealer } from './local-key-file.js';
export { newAccessKeyId, newSecretAccessKey, newSessionToken, newUniqueId, SESSION_KEY_ID } from './generate.js';
export type { UniqueIdPrefix } from './generate.js';
