export { authenticate } from './authenticate.js';
export { authenticatePostPolicy } from './post-policy-auth.js';
export type { PostPolicyAuthentication, PostPolicyCredentials } from './post-policy-auth.js';
export { SigningKeyCache, deriveSigningKey } from './signing-key.js';
export { canonicalUri, canonicalQuery, parseQuery, percentDecode, uriEncode } from './uri-encoding.js';
export type { QueryParam } from './uri-encoding.js';
export { EMPTY_SHA256, formatAmzDate, parseAmzDate, sha256Hex } from './canonical-request.js';
export type {
  Authentication,
  AuthenticateOptions,
  CredentialLookup,
  IncomingSignedRequest,
  PayloadMode,
  SeedSignature,
  SigningCredential,
} from './types.js';
