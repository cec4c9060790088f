/**
 * Verifies one OpenID token against one provider, and turns its claims into an identity.
 *
 * Checks, all mandatory: size ≤ 16 KiB before any parsing; compact JWS form; `alg` in the
 * provider's allow-list (never 'none'; HS* only with the client secret as key, never a JWKS
 * key); a `kid` when the provider publishes more than one key; the signature (jose, with the
 * provider's own key set only); `iss` equal to the discovery issuer; `aud` containing the
 * client id, else `azp` equal to it; `sub` a non-empty string; `exp` present and `nbf`/`iat`
 * not in the future (60 s tolerance). Only a genuine, otherwise valid token past `exp` is
 * 'expired'; every other failure is 'invalid' with one fixed message — jose's text never
 * leaves this file.
 */
import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Secret } from '../../../core/index.js';
import { IdentityError } from '../types.js';
import type { KeySet } from './jwks.js';

export const MAX_TOKEN_BYTES = 16 * 1024;
export const CLOCK_TOLERANCE_S = 60;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface TokenCheck {
  readonly issuer: string;
  readonly clientId: string;
  readonly algorithms: readonly string[];
  readonly clientSecret?: Secret<string> | undefined;
  readonly now: Date;
}

/** The protected header, or 'invalid'. Also enforces the size cap and the compact form. */
export function tokenHeader(token: string): { alg: string; kid?: string | undefined } {
  if (token.length > MAX_TOKEN_BYTES || !COMPACT_JWS.test(token)) throw new IdentityError('invalid');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new IdentityError('invalid');
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || alg === '' || alg.toLowerCase() === 'none') throw new IdentityError('invalid');
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new IdentityError('invalid');
  return { alg, kid };
}

function audienceMatches(payload: JWTPayload, clientId: string): boolean {
  const aud = payload.aud;
  if (typeof aud === 'string' ? aud === clientId : Array.isArray(aud) && aud.includes(clientId)) return true;
  return payload.azp === clientId;
}

function claimsValid(payload: JWTPayload, check: TokenCheck): boolean {
  const now = Math.floor(check.now.getTime() / 1000);
  return audienceMatches(payload, check.clientId)
    && typeof payload.sub === 'string' && payload.sub !== '' && payload.sub.length <= 1024
    && typeof payload.exp === 'number'
    && (payload.iat === undefined || payload.iat <= now + CLOCK_TOLERANCE_S);
}

/** Verifies `token` with `keys` (or the client secret for HS*); returns its payload. */
export async function verifyToken(token: string, keys: KeySet | undefined, check: TokenCheck): Promise<JWTPayload> {
  const { alg, kid } = tokenHeader(token);
  if (!check.algorithms.includes(alg)) throw new IdentityError('invalid');
  let key: JWTVerifyGetKey | Uint8Array;
  if (alg.startsWith('HS')) {
    if (!check.clientSecret) throw new IdentityError('invalid');
    key = new TextEncoder().encode(check.clientSecret.reveal());
  } else {
    if (!keys || (kid === undefined && keys.size > 1)) throw new IdentityError('invalid');
    key = keys.resolve;
  }
  let payload: JWTPayload;
  try {
    const options = { algorithms: [alg], issuer: check.issuer, clockTolerance: CLOCK_TOLERANCE_S, currentDate: check.now, requiredClaims: ['exp', 'sub'] };
    ({ payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const expiredPayload = (error as { payload?: JWTPayload }).payload;
    if (code === 'ERR_JWT_EXPIRED' && expiredPayload && claimsValid(expiredPayload, check)) throw new IdentityError('expired');
    throw new IdentityError('invalid');
  }
  if (!claimsValid(payload, check)) throw new IdentityError('invalid');
  return payload;
}
