export { LdapIdentityProvider } from './provider.js';
export type { LdapProviderDeps, LdapLookup } from './provider.js';
export type { LdapProviderSettings } from './settings.js';
export { normaliseDn, isUnder } from './dn.js';
export { escapeFilterValue, fillFilter } from './filter.js';
