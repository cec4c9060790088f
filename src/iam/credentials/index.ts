export { RootCredentialStore, rootPrincipal } from './credential-store.js';
export type { CredentialStore, StoredCredential } from './credential-store.js';
export { ACCOUNT_ID } from './principal.js';
export type { Principal, PrincipalKind } from './principal.js';
