/** The IdentityProvider port and its LDAP and OpenID Connect implementations. */
export { IdentityError, type ExternalIdentity, type IdentityErrorCode } from './types.js';
export { OpenIdProviders, type OpenIdDeps, type OpenIdVerification } from './oidc/index.js';
export { LdapIdentityProvider, normaliseDn, type LdapProviderDeps, type LdapLookup } from './ldap/index.js';
