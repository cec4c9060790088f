/**
 * SigV4 signing key derivation and a small cache of derived keys.
 * Construction: kDate = HMAC("AWS4" + secret, YYYYMMDD); kRegion = HMAC(kDate, region);
 * kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request").
 * The cache is keyed by access key, date, region and service and also stores SHA-256 of the
 * secret: a rotated or different secret for the same access key never hits a stale entry
 * (compared in constant time). Bounded size; oldest entries are evicted first.
 * Derived keys are scoped to one day/region/service, so a cached key is never a master secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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

export class SigningKeyCache {
  readonly #entries = new Map<string, Entry>();
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
}

let defaultCache: SigningKeyCache | undefined;

/** Process-wide cache, created on first use (nothing happens at import time). */
export function defaultSigningKeyCache(): SigningKeyCache {
  return (defaultCache ??= new SigningKeyCache());
}
