/**
 * SigV4 authentication from the Authorization header.
 * Protects: identity and integrity of a request signed with
 * `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
 * Bound: method, path, query, every signed header, x-amz-content-sha256 (the payload hash or
 * streaming mode; for IAM/STS the hash of the received body, see boundPayloadHash), x-amz-date
 * and the credential scope. Invariants: host and
 * x-amz-content-sha256 are always signed; no x-amz-* header may ride along unsigned (as S3);
 * the request time must be within the allowed skew (replay window); the Authorization header
 * is capped at 8 KiB before parsing.
 */
import { AppError } from '../../../core/index.js';
import { ALGORITHM, formatAmzDate, headerValue, parseAmzDate, type HeaderIndex } from './canonical-request.js';
import { headersNotSigned, malformed, parseCredentialScope, parseSignedHeaders } from './credential-scope.js';
import type { Authentication, AuthenticateOptions, PayloadMode } from './types.js';
import { verifySignature } from './verify.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const DEFAULT_SKEW_MS = 15 * 60 * 1000;

export function payloadModeOf(value: string): PayloadMode | undefined {
  switch (value) {
    case 'UNSIGNED-PAYLOAD':
      return { kind: 'unsigned' };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return { kind: 'streaming-signed', trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return { kind: 'streaming-signed', trailer: true };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return { kind: 'streaming-unsigned-trailer' };
    default:
      return SHA256_HEX.test(value) ? { kind: 'sha256', hex: value.toLowerCase() } : undefined;
  }
}

/**
 * The payload hash to bind: the declared one (header or presigned parameter), or — when the
 * caller hashed the received body itself (opts.bodySha256) — that hash, which a declared value
 * must then equal (so UNSIGNED-PAYLOAD or a streaming mode can never skip the body check).
 */
export function boundPayloadHash(declared: string | undefined, bodySha256: string | undefined): string | undefined {
  if (bodySha256 === undefined) return declared;
  if (declared === undefined) return bodySha256;
  if (declared.toLowerCase() === bodySha256) return declared;
  throw new AppError('XAmzContentSHA256Mismatch', {
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  });
}

interface AuthorizationFields {
  credential: string;
  signedHeaders: string;
  signature: string;
}

function parseAuthorization(value: string): AuthorizationFields {
  if (value.length > 8192) throw malformed('header', 'the header is too long.');
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw malformed('header', `the authorization mechanism "${algorithm.slice(0, 32)}" is not AWS4-HMAC-SHA256.`);
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined || space < 0) {
    throw malformed('header', 'it must contain Credential, SignedHeaders and Signature.');
  }
  return { credential, signedHeaders, signature };
}

/** The last header value requestTimeOf parsed: concurrent requests mostly carry the same second. */
let lastRequestTime: { header: string; amzDate: string; ms: number } | undefined;

/** The request time: x-amz-date, else the Date header (RFC 7231). */
function requestTimeOf(headers: HeaderIndex): { amzDate: string; time: Date } {
  const amz = headerValue(headers, 'x-amz-date');
  const header = amz !== undefined ? `x${amz}` : `d${headerValue(headers, 'date') ?? ''}`;
  if (lastRequestTime?.header === header) return { amzDate: lastRequestTime.amzDate, time: new Date(lastRequestTime.ms) };
  const parsed = parseRequestTime(headers, amz);
  lastRequestTime = { header, amzDate: parsed.amzDate, ms: parsed.time.getTime() };
  return parsed;
}

function parseRequestTime(headers: HeaderIndex, amz: string | undefined): { amzDate: string; time: Date } {
  let time: Date | undefined;
  if (amz !== undefined) time = parseAmzDate(amz.trim());
  else {
    const date = headerValue(headers, 'date');
    const ms = date !== undefined && date.length < 64 ? Date.parse(date) : NaN;
    if (!Number.isNaN(ms)) time = new Date(ms);
  }
  if (time === undefined) {
    throw new AppError('AccessDenied', { message: 'AWS authentication requires a valid Date or x-amz-date header' });
  }
  return { amzDate: formatAmzDate(time), time };
}

export interface HeaderAuthInput {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  headers: HeaderIndex;
  authorization: string;
}

export async function authenticateHeader(input: HeaderAuthInput, opts: AuthenticateOptions): Promise<Authentication> {
  const fields = parseAuthorization(input.authorization);
  const { headers } = input;
  const contentSha = boundPayloadHash(headerValue(headers, 'x-amz-content-sha256'), opts.bodySha256);
  if (contentSha === undefined) {
    throw new AppError('InvalidRequest', { message: 'Missing required header for this request: x-amz-content-sha256' });
  }
  const payload = payloadModeOf(contentSha);
  if (payload === undefined) {
    throw new AppError('InvalidArgument', {
      message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      fields: { ArgumentName: 'x-amz-content-sha256' },
    });
  }
  const { amzDate, time } = requestTimeOf(headers);
  const scope = parseCredentialScope('header', fields.credential, {
    region: opts.region,
    services: opts.services,
    requestDate: amzDate.slice(0, 8),
    amzDate,
  });
  const signedHeaders = parseSignedHeaders('header', fields.signedHeaders);
  const signed = new Set(signedHeaders);
  const unsigned = [...headers.keys()].filter(
    (n) => !signed.has(n) && (n === 'host' || n === 'x-amz-content-sha256' || n.startsWith('x-amz-')),
  );
  if (!signed.has('host') && !unsigned.includes('host')) unsigned.unshift('host');
  if (unsigned.length > 0) throw headersNotSigned(unsigned);

  const skew = opts.maxSkewMs ?? DEFAULT_SKEW_MS;
  if (Math.abs(opts.now.getTime() - time.getTime()) > skew) {
    throw new AppError('RequestTimeTooSkewed', {
      message: 'The difference between the request time and the current time is too large.',
      fields: {
        RequestTime: amzDate,
        ServerTime: opts.now.toISOString(),
        MaxAllowedSkewMilliseconds: String(skew),
      },
    });
  }
  return verifySignature(
    {
      method: input.method,
      canonicalUri: input.canonicalUri,
      canonicalQuery: input.canonicalQuery,
      headers,
      signedHeaders,
      payloadHash: contentSha,
      payload,
      scope,
      amzDate,
      requestTime: time,
      signature: fields.signature,
      sessionToken: headerValue(headers, 'x-amz-security-token'),
      presigned: false,
    },
    opts,
  );
}
