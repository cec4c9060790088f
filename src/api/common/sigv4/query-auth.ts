/**
 * SigV4 authentication from presigned-URL query parameters (X-Amz-Algorithm, -Credential,
 * -Date, -Expires, -SignedHeaders, -Signature, optional -Security-Token).
 * Protects: a time-limited grant to perform exactly the signed request.
 * Bound: method, path, every query parameter except X-Amz-Signature (so X-Amz-Expires and
 * X-Amz-Date cannot be stretched), the signed headers (at least host) and the payload hash
 * (UNSIGNED-PAYLOAD unless X-Amz-Content-Sha256 is given). Invariants: 1 ≤ expires ≤ 7 days;
 * refused once expired or when dated beyond the clock-skew window; each auth parameter appears
 * exactly once.
 */
import { AppError } from '../../../core/index.js';
import { ALGORITHM, headerValue, parseAmzDate, type HeaderIndex } from './canonical-request.js';
import { parseCredentialScope, parseSignedHeaders } from './credential-scope.js';
import { boundPayloadHash, payloadModeOf } from './header-auth.js';
import type { Authentication, AuthenticateOptions } from './types.js';
import { canonicalQuery, type QueryParam } from './uri-encoding.js';
import { verifySignature } from './verify.js';

const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const;
const DEFAULT_SKEW_MS = 15 * 60 * 1000;
const DEFAULT_MAX_EXPIRES = 604800;

function queryError(message: string): AppError {
  return new AppError('AuthorizationQueryParametersError', { message });
}

function single(params: readonly QueryParam[], name: string): string | undefined {
  let found: string | undefined;
  for (const p of params) {
    if (p.name !== name) continue;
    if (found !== undefined) throw queryError(`The ${name} parameter must be given only once.`);
    found = p.value;
  }
  return found;
}

export interface QueryAuthInput {
  method: string;
  canonicalUri: string;
  params: readonly QueryParam[];
  headers: HeaderIndex;
}

export async function authenticateQuery(input: QueryAuthInput, opts: AuthenticateOptions): Promise<Authentication> {
  const { params } = input;
  const values = new Map<string, string>();
  for (const name of REQUIRED) {
    const value = single(params, name);
    if (value === undefined) {
      throw queryError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    values.set(name, value);
  }
  const get = (name: (typeof REQUIRED)[number]): string => values.get(name)!;
  if (get('X-Amz-Algorithm') !== ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const amzDate = get('X-Amz-Date');
  const time = parseAmzDate(amzDate);
  if (time === undefined) throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const expiresText = get('X-Amz-Expires');
  const maxExpires = opts.maxPresignSeconds ?? DEFAULT_MAX_EXPIRES;
  if (!/^-?\d{1,10}$/.test(expiresText)) throw queryError('X-Amz-Expires should be a number');
  const expires = Number(expiresText);
  // A URL presigned with a negative lifetime is simply expired (S3 answers 403, as s3-tests check).
  if (expires < 0) throw new AppError('AccessDenied', { message: 'Request has expired' });
  if (expires < 1) throw queryError('X-Amz-Expires must be non-negative');
  if (expires > maxExpires) {
    throw queryError(`X-Amz-Expires must be less than a week (in seconds) that is ${maxExpires}`);
  }
  const scope = parseCredentialScope('query', get('X-Amz-Credential'), {
    region: opts.region,
    services: opts.services,
    requestDate: amzDate.slice(0, 8),
    amzDate,
  });
  const signedHeaders = parseSignedHeaders('query', get('X-Amz-SignedHeaders'));
  if (!signedHeaders.includes('host')) {
    throw new AppError('AccessDenied', {
      message: 'There were headers present in the request which were not signed',
      fields: { HeadersNotSigned: 'host' },
    });
  }
  const now = opts.now.getTime();
  if (time.getTime() - now > (opts.maxSkewMs ?? DEFAULT_SKEW_MS)) {
    throw new AppError('AccessDenied', { message: 'Request is not valid yet' });
  }
  if (now > time.getTime() + expires * 1000) {
    throw new AppError('AccessDenied', {
      message: 'Request has expired',
      fields: {
        'X-Amz-Expires': String(expires),
        Expires: new Date(time.getTime() + expires * 1000).toISOString(),
        ServerTime: opts.now.toISOString(),
      },
    });
  }
  const declaredHash = single(params, 'X-Amz-Content-Sha256') ?? headerValue(input.headers, 'x-amz-content-sha256');
  const payloadHash = boundPayloadHash(declaredHash, opts.bodySha256) ?? 'UNSIGNED-PAYLOAD';
  const payload = payloadModeOf(payloadHash);
  if (payload === undefined || (payload.kind !== 'unsigned' && payload.kind !== 'sha256')) {
    throw new AppError('InvalidArgument', {
      message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value for presigned requests.',
      fields: { ArgumentName: 'x-amz-content-sha256' },
    });
  }
  return verifySignature(
    {
      method: input.method,
      canonicalUri: input.canonicalUri,
      canonicalQuery: canonicalQuery(params, 'X-Amz-Signature'),
      headers: input.headers,
      signedHeaders,
      payloadHash,
      payload,
      scope,
      amzDate,
      requestTime: time,
      signature: get('X-Amz-Signature'),
      sessionToken: single(params, 'X-Amz-Security-Token') ?? headerValue(input.headers, 'x-amz-security-token'),
      presigned: true,
    },
    opts,
  );
}
