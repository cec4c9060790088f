export { OpenIdProviders } from './providers.js';
export type { OpenIdDeps, OpenIdLogger, OpenIdVerification } from './providers.js';
export type { OpenIdProviderSettings } from './settings.js';
export { policiesFromClaim } from './identity.js';
export { MAX_TOKEN_BYTES } from './verify.js';
