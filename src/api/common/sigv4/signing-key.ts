/**
 * SigV4 signing key derivation and a small cache of derived keys.
 * Construction: kDate = HMAC("AWS4" + secret, YYYYMMDD); kRegion = HMAC(kDate, region);
 * kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request").
 * The cache is keyed by access key, date, region and service and also stores SHA-256 of the
 * secret: a rotated or different secret for the same access key never hits a stale entry
 * (compared in constant time). Bounded size; oldest entries are evicted first.
 * The request path (keyFor) first looks in a second level keyed by the Secret object itself
 * (a WeakMap, so entries live no longer than the credential that holds them): a Secret never
 * changes its value, so the same object means the same secret and no hashing is needed; a
 * rotated secret is a new object and misses. At most 8 scopes per secret.
 * Derived keys are scoped to one day/region/service, so a cached key is never a master secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../../core/index.js';

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

interface Entry {
  secretHash: Buffer;
  key: Buffer;
}

const MAX_SCOPES_PER_SECRET = 8;

export class SigningKeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #bySecret = new WeakMap<Secret<string>, Map<string, Buffer>>();
  readonly #maxEntries: number;

  constructor(maxEntries = 1024) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  signingKey(accessKeyId: string, secret: string, date: string, region: string, service: string): Buffer {
    const id = `${accessKeyId}\0${date}\0${region}\0${service}`;
    const secretHash = createHash('sha256').update(secret).digest();
    const hit = this.#entries.get(id);
    if (hit !== undefined && timingSafeEqual(hit.secretHash, secretHash)) return hit.key;
    const key = deriveSigningKey(secret, date, region, service);
    this.#entries.delete(id);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, { secretHash, key });
    return key;
  }

  /** signingKey() for the secret `secret` holds, remembered per Secret object (see above). */
  keyFor(accessKeyId: string, secret: Secret<string>, date: string, region: string, service: string): Buffer {
    const scope = `${accessKeyId}\0${date}\0${region}\0${service}`;
    let scopes = this.#bySecret.get(secret);
    const hit = scopes?.get(scope);
    if (hit !== undefined) return hit;
    const key = this.signingKey(accessKeyId, secret.reveal(), date, region, service);
    if (scopes === undefined) this.#bySecret.set(secret, (scopes = new Map()));
    if (scopes.size >= MAX_SCOPES_PER_SECRET) {
      const oldest = scopes.keys().next();
      if (oldest.done !== true) scopes.delete(oldest.value);
    }
    scopes.set(scope, key);
    return key;
  }
}

let defaultCache: SigningKeyCache | undefined;

/** Process-wide cache, created on first use (nothing happens at import time). */
export function defaultSigningKeyCache(): SigningKeyCache {
  return (defaultCache ??= new SigningKeyCache());
}
