import type { Secret } from '../../../core/index.js';

export interface SigningCredential {
  accessKeyId: string;
  secretKey: Secret<string>;
  sessionToken?: Secret<string>;
  /** An STS session past its expiry: refused with ExpiredToken once signature and token match. */
  expired?: boolean;
}

export type CredentialLookup = (accessKeyId: string) => Promise<SigningCredential | undefined>;

export interface IncomingSignedRequest {
  method: string;
  /** Path and query exactly as sent (node's `req.url`). */
  rawUrl: string;
  /** Node's `req.rawHeaders`: [name, value, name, value, ...]. */
  rawHeaders: string[];
}

export type PayloadMode =
  | { kind: 'unsigned' }
  | { kind: 'sha256'; hex: string }
  | { kind: 'streaming-signed'; trailer: boolean }
  | { kind: 'streaming-unsigned-trailer' };

/** What the aws-chunked verifier needs to continue the signature chain. Opaque to callers. */
export interface SeedSignature {
  readonly signingKey: Secret<Buffer>;
  /** `YYYYMMDD/region/service/aws4_request` */
  readonly scope: string;
  /** `YYYYMMDDTHHMMSSZ` as signed. */
  readonly amzDate: string;
  /** Hex signature of the request itself: the first link of the chunk chain. */
  readonly signature: string;
}

export type Authentication =
  | { kind: 'anonymous' }
  | {
      kind: 'sigv4';
      accessKeyId: string;
      credential: SigningCredential;
      region: string;
      service: string;
      requestTime: Date;
      presigned: boolean;
      payload: PayloadMode;
      seed: SeedSignature;
    };

export interface AuthenticateOptions {
  lookup: CredentialLookup;
  now: Date;
  region: string;
  /** Accepted service names in the credential scope, e.g. ['s3']. */
  services: readonly string[];
  /** Maximum clock skew for header auth and presign start times; default 15 minutes. */
  maxSkewMs?: number;
  /** Maximum X-Amz-Expires; default 604800 (7 days). */
  maxPresignSeconds?: number;
  /**
   * Hex SHA-256 of the whole received body, for services whose clients sign the payload hash
   * without sending x-amz-content-sha256 (IAM, STS query protocol). When set, it is the payload
   * hash bound into the canonical request; a declared hash must equal it. S3 leaves it unset.
   */
  bodySha256?: string;
}
