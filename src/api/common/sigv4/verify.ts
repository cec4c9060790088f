/**
 * The common tail of header and query SigV4 authentication: look up the credential, compute
 * the expected signature, compare it and the session token in constant time.
 * Protects: request integrity and the caller's identity. Bound into the signature: the
 * canonical request (method, URI, query, signed headers, payload hash), the request time and
 * the credential scope (date, region, service). Invariants: no secret-dependent early exit
 * (signatures and tokens are compared with timingSafeEqual on equal-length buffers); an
 * unknown key and a wrong signature give distinct AWS errors, as S3 does; the signing key
 * handed on for chunk verification is wrapped in Secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, Secret } from '../../../core/index.js';
import { buildCanonicalRequest, buildStringToSign, type CanonicalRequestInput } from './canonical-request.js';
import type { CredentialScope } from './credential-scope.js';
import { defaultSigningKeyCache } from './signing-key.js';
import type { Authentication, AuthenticateOptions, PayloadMode, SigningCredential } from './types.js';

export interface SignedParts extends CanonicalRequestInput {
  payload: PayloadMode;
  scope: CredentialScope;
  amzDate: string;
  requestTime: Date;
  signature: string;
  sessionToken: string | undefined;
  presigned: boolean;
}

function constantTimeEqualStrings(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function checkToken(credential: SigningCredential, sent: string | undefined): void {
  const expected = credential.sessionToken?.reveal();
  if (expected === undefined && sent === undefined) return;
  if (expected !== undefined && sent !== undefined && constantTimeEqualStrings(expected, sent)) {
    // Only a caller who proved the secret and the token learns that the session has expired.
    if (credential.expired === true) throw new AppError('ExpiredToken', { message: 'The provided token has expired.' });
    return;
  }
  throw new AppError('InvalidToken', { message: 'The provided token is malformed or otherwise invalid.' });
}

/** The SigV4 signing key for this credential and scope (cached per day, region and service). */
function derivedKey(credential: SigningCredential, scope: CredentialScope): Buffer {
  return defaultSigningKeyCache().keyFor(credential.accessKeyId, credential.secretKey, scope.date, scope.region, scope.service);
}

/** HMAC-SHA256 of `stringToSign` under the credential's derived key, compared in constant time
 * with the hex signature the client sent. Shared by header, presigned and POST-policy auth. */
export function signatureMatches(credential: SigningCredential, scope: CredentialScope, stringToSign: string, sent: string): boolean {
  return signatureMatchesKey(derivedKey(credential, scope), stringToSign, sent);
}

function signatureMatchesKey(key: Buffer, stringToSign: string, sent: string): boolean {
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'), 'latin1');
  const provided = Buffer.from(sent, 'latin1');
  return provided.length === expected.length && timingSafeEqual(provided, expected);
}

export async function verifySignature(parts: SignedParts, opts: AuthenticateOptions): Promise<Authentication> {
  const { scope } = parts;
  const credential = await opts.lookup(scope.accessKeyId);
  if (credential === undefined) {
    throw new AppError('InvalidAccessKeyId', {
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      fields: { AWSAccessKeyId: scope.accessKeyId.slice(0, 128) },
    });
  }
  const canonicalRequest = buildCanonicalRequest(parts);
  const stringToSign = buildStringToSign(parts.amzDate, scope.scope, canonicalRequest);
  const signingKey = derivedKey(credential, scope);
  if (!signatureMatchesKey(signingKey, stringToSign, parts.signature)) {
    throw new AppError('SignatureDoesNotMatch', {
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      details: {
        accessKeyId: scope.accessKeyId,
        canonicalRequest: canonicalRequest.replace(/^(x-amz-security-token:).*$/m, '$1[REDACTED]'),
        stringToSign,
      },
    });
  }
  checkToken(credential, parts.sessionToken);
  return {
    kind: 'sigv4',
    accessKeyId: credential.accessKeyId,
    credential,
    region: scope.region,
    service: scope.service,
    requestTime: parts.requestTime,
    presigned: parts.presigned,
    payload: parts.payload,
    seed: {
      signingKey: new Secret(signingKey),
      scope: scope.scope,
      amzDate: parts.amzDate,
      signature: parts.signature,
    },
  };
}
