export { RootCredentialStore, rootPrincipal } from './credential-store.js';
export type { CredentialStore, StoredCredential } from './credential-store.js';
export type { Principal } from './principal.js';
