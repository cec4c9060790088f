/**
 * One provider's signing keys. Each provider has its own KeySet, built from its own JWKS
 * only — keys are never pooled across providers, so a key id published by one provider can
 * never verify another provider's tokens.
 *
 * Kept: public asymmetric signature keys (kty RSA, EC, OKP; `use` absent or 'sig'); private
 * members, symmetric ('oct') keys and encryption keys are dropped — HS* tokens are verified
 * with the client secret only, never with a key a remote document supplied. At most 64 keys.
 */
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import { FetchError, fetchJson, type FetchOptions } from './fetch.js';

const MAX_KEYS = 64;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

export interface KeySet {
  /** Number of usable keys. */
  readonly size: number;
  readonly kids: ReadonlySet<string>;
  /** jose key resolver over exactly these keys. */
  readonly resolve: JWTVerifyGetKey;
}

export function keySetFrom(doc: Record<string, unknown>): KeySet {
  if (!Array.isArray(doc.keys)) throw new FetchError('JWKS: no keys array');
  const keys = (doc.keys as unknown[]).filter((k): k is JWK => {
    if (typeof k !== 'object' || k === null || Array.isArray(k)) return false;
    const jwk = k as Record<string, unknown>;
    return ['RSA', 'EC', 'OKP'].includes(jwk.kty as string)
      && (jwk.use === undefined || jwk.use === 'sig')
      && (jwk.kid === undefined || typeof jwk.kid === 'string')
      && PRIVATE_MEMBERS.every((m) => !(m in jwk));
  });
  if (keys.length === 0) throw new FetchError('JWKS: no usable signature key');
  if (keys.length > MAX_KEYS) throw new FetchError('JWKS: too many keys');
  const kids = new Set(keys.flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : [])));
  return Object.freeze({ size: keys.length, kids, resolve: createLocalJWKSet({ keys }) });
}

export async function fetchKeySet(jwksUri: string, options: FetchOptions): Promise<KeySet> {
  return keySetFrom(await fetchJson(jwksUri, options));
}
