export {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithmFromHeader,
  checksumHeaderName,
  checksumLength,
  createChecksum,
  parseChecksumAlgorithm,
} from './checksums.js';
export type { Checksum, ChecksumAlgorithm } from './checksums.js';
export { combineCrc, isCrcAlgorithm, multipartChecksums } from './crc-combine.js';
export { authenticate, authenticatePostPolicy, SigningKeyCache, deriveSigningKey } from './sigv4/index.js';
export type { PostPolicyAuthentication, PostPolicyCredentials } from './sigv4/index.js';
export type {
  Authentication,
  AuthenticateOptions,
  CredentialLookup,
  IncomingSignedRequest,
  PayloadMode,
  SeedSignature,
  SigningCredential,
} from './sigv4/index.js';
export { createPayloadDecoder, storedContentEncoding } from './payload/index.js';
export type { PayloadDecoder, PayloadHeaders } from './payload/index.js';
export * from './xml/index.js';
export { exchangeAuditFields } from './audit-fields.js';
export type { ExchangeAuditFields } from './audit-fields.js';
