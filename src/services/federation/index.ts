export { FederationService, type FederationDeps, type SessionOptions, type WebIdentityOptions, type WebIdentitySession } from './federation-service.js';
export type { LdapProvider, OpenIdProvider, OpenIdVerification } from './ports.js';
export { checkClientCertificate, certificateIdentity, MAX_INTERMEDIATE_CAS, type ClientCertificate, type CertificateLoginOptions } from './certificate.js';
