/**
 * The request path's CredentialStore: access key id → secret (and session token) + principal.
 *
 * Protects: request authentication. Every refusal — unknown id, disabled or deleted owner,
 * inactive, expired key, revoked session, root access switched off, a sealed value that does not
 * open — is the same `undefined`, so the caller answers InvalidAccessKeyId identically and nothing
 * tells an unknown key from a disabled one. One exception, as AWS: a session that ran out of time
 * (still stored, parent still valid) comes back marked `expired`, and the SigV4 layer answers
 * ExpiredToken only after the signature and the session token match — so only its holder learns.
 * Secrets are opened from their sealed form once per cache fill and kept only as Secret<string>.
 * Session tokens are stored sealed too (AAD bound to the session's key id), so the SigV4 layer's
 * constant-time comparison of X-Amz-Security-Token with StoredCredential.sessionToken works
 * unchanged; long-term keys have no sessionToken, so a token sent with one is refused there.
 * Caching: see cache.ts (local changes at once, other nodes within ~1 s); a hit re-checks expiry.
 */
import { RootCredentialStore, SealError, type CredentialStore, type StoredCredential } from '../../iam/credentials/index.js';
import type { Secret } from '../../core/index.js';
import { BoundedCache } from './cache.js';
import type { IamContext } from './context.js';
import type { CredentialResolver } from './resolver.js';

interface Entry {
  credential: StoredCredential | undefined;
  expiresAtMs: number;
  /** For sessions: the session's own expiry (expiresAtMs may be earlier: its parent key's). */
  sessionExpiresAtMs?: number | undefined;
}

const UNKNOWN: Entry = Object.freeze({ credential: undefined, expiresAtMs: Number.POSITIVE_INFINITY });

export class IamCredentialStore implements CredentialStore {
  readonly #ctx: IamContext;
  readonly #resolver: CredentialResolver;
  readonly #root: RootCredentialStore;
  readonly #entries: BoundedCache<Entry>;

  constructor(ctx: IamContext, resolver: CredentialResolver, rootSecret: Secret<string>) {
    this.#ctx = ctx;
    this.#resolver = resolver;
    this.#root = new RootCredentialStore(ctx.settings.rootAccessKeyId, rootSecret);
    this.#entries = ctx.cache.register(new BoundedCache<Entry>());
  }

  async lookup(accessKeyId: string): Promise<StoredCredential | undefined> {
    if (accessKeyId === this.#ctx.settings.rootAccessKeyId) return this.#ctx.settings.apiRootAccess ? this.#root.lookup(accessKeyId) : undefined;
    if (typeof accessKeyId !== 'string' || accessKeyId.length < 3 || accessKeyId.length > 128) return undefined;
    const pending = this.#ctx.cache.fresh();
    if (pending) await pending;
    const nowMs = this.#ctx.clock.now().getTime();
    let entry = this.#entries.get(accessKeyId);
    if (entry === undefined) {
      const epoch = this.#ctx.cache.epoch;
      entry = await this.#load(accessKeyId, nowMs);
      if (this.#ctx.cache.epoch === epoch) this.#entries.set(accessKeyId, entry);
    }
    if (nowMs < entry.expiresAtMs) return entry.credential;
    // A session that ran out of time (rather than one revoked or whose parent went away): the
    // SigV4 layer answers ExpiredToken once the caller proved the secret and the token.
    const credential = entry.credential;
    return credential?.sessionToken !== undefined && entry.sessionExpiresAtMs === entry.expiresAtMs ? { ...credential, expired: true } : undefined;
  }

  async #load(accessKeyId: string, nowMs: number): Promise<Entry> {
    const resolved = await this.#resolver.resolve(accessKeyId, nowMs, { expiredSessions: true });
    if (!resolved) return UNKNOWN;
    try {
      const secretKey = await this.#ctx.sealer.open(resolved.sealedSecret, { purpose: 'secret', accessKeyId });
      const credential: StoredCredential = { accessKeyId, secretKey, principal: resolved.principal };
      if (resolved.sealedToken !== undefined) {
        credential.sessionToken = await this.#ctx.sealer.open(resolved.sealedToken, { purpose: 'session-token', accessKeyId });
      }
      return { credential, expiresAtMs: resolved.expiresAtMs, sessionExpiresAtMs: resolved.sessionExpiresAtMs };
    } catch (error) {
      if (error instanceof SealError) return UNKNOWN;
      throw error;
    }
  }
}
