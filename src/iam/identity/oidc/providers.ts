/**
 * OpenIdProviders: the OpenID Connect identity providers behind AssumeRoleWithWebIdentity and
 * AssumeRoleWithClientGrants.
 *
 * Protects: which tokens Coffer accepts as proof of an external identity. Construction: each
 * provider keeps its own discovery result (issuer, JWKS URI) and its own key set; a token is
 * verified only against the provider chosen for it (by RoleArn, or by `iss` for IAM roles),
 * with that provider's keys, issuer, client id and algorithm allow-list (verify.ts).
 * Inputs: the token and the RoleArn of the request, both attacker-controlled; the token is
 * decoded unverified only to choose the provider and the key, never to build the identity.
 * Invariants: a provider that is down at start is retried lazily (at most every 5 s) and gives
 * 'unavailable' meanwhile; an unknown `kid` re-fetches that provider's JWKS at most once per 30 s;
 * fetches are coalesced per provider; no token or secret is logged.
 */
import { decodeJwt } from 'jose';
import { IdentityError, type ExternalIdentity } from '../types.js';
import { fetchDiscovery, type Discovery } from './discovery.js';
import type { FetchOptions } from './fetch.js';
import { identityFrom } from './identity.js';
import { fetchKeySet, type KeySet } from './jwks.js';
import type { OpenIdProviderSettings } from './settings.js';
import { tokenHeader, verifyToken } from './verify.js';

export interface OpenIdLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface OpenIdDeps {
  logger: OpenIdLogger;
  now?: () => Date;
  /** PEM trust anchors for every provider (the certs dir CAs/). */
  extraCa?: string[];
  /** Minimum time between two JWKS re-fetches for an unknown kid (default 30 s). */
  jwksRefetchIntervalMs?: number;
  /** Minimum time between two attempts to reach a provider that was down (default 5 s). */
  retryIntervalMs?: number;
  timeoutMs?: number;
}

export interface OpenIdVerification {
  identity: ExternalIdentity;
  provider: { name: string; issuer: string; clientId: string; roleArn?: string };
}

interface State {
  readonly settings: OpenIdProviderSettings;
  readonly fetch: FetchOptions;
  discovery?: Discovery;
  keys?: KeySet;
  inflight?: Promise<void>;
  lastAttempt: number;
  lastFailed: boolean;
  lastKeyFetch: number;
}

const MINIO_ROLE_ARN = /^arn:minio:iam:[^:]*::role\/([A-Za-z0-9_-]{1,64})$/;

function roleId(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : MINIO_ROLE_ARN.exec(arn)?.[1];
}

export class OpenIdProviders {
  readonly #states: State[];
  readonly #logger: OpenIdLogger;
  readonly #now: () => Date;
  readonly #refetchMs: number;
  readonly #retryMs: number;

  constructor(settings: readonly OpenIdProviderSettings[], deps: OpenIdDeps) {
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => new Date());
    this.#refetchMs = deps.jwksRefetchIntervalMs ?? 30_000;
    this.#retryMs = deps.retryIntervalMs ?? 5_000;
    this.#states = settings.map((s) => ({
      settings: s,
      fetch: { ca: [...(s.ca ?? []), ...(deps.extraCa ?? [])], allowInsecureHttp: s.allowInsecureHttp, timeoutMs: deps.timeoutMs },
      lastAttempt: -Infinity,
      lastFailed: false,
      lastKeyFetch: -Infinity,
    }));
  }

  /** Fetches every provider's discovery document and keys; an outage is logged, never thrown. */
  async start(): Promise<void> {
    await Promise.all(this.#states.map((s) => this.#ready(s).catch(() => undefined)));
  }

  /** Providers, for status pages: never secrets. */
  describe(): Array<{ name: string; clientId: string; issuer?: string; roleArn?: string; online: boolean }> {
    return this.#states.map(({ settings, discovery, keys }) => ({
      name: settings.name,
      clientId: settings.clientId,
      ...(discovery ? { issuer: discovery.issuer } : {}),
      ...(settings.roleArn ? { roleArn: settings.roleArn } : {}),
      online: discovery !== undefined && keys !== undefined,
    }));
  }

  /** RoleArn of a role-policy provider selects it; otherwise the claim-based provider (an unknown RoleArn is ignored then). */
  async verify(token: string, roleArn: string | undefined): Promise<OpenIdVerification> {
    tokenHeader(token);
    const wanted = roleId(roleArn);
    const state = (wanted !== undefined ? this.#states.find((s) => roleId(s.settings.roleArn) === wanted) : undefined)
      ?? this.#states.find((s) => !s.settings.rolePolicy);
    if (!state) throw new IdentityError('invalid');
    return this.#verifyWith(state, token);
  }

  /** For a RoleArn naming an IAM role: the provider whose issuer is the token's `iss` verifies it. */
  async verifyForRole(token: string): Promise<OpenIdVerification> {
    tokenHeader(token);
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new IdentityError('invalid');
    }
    if (typeof claims.iss !== 'string') throw new IdentityError('invalid');
    await Promise.all(this.#states.map((s) => this.#ready(s).catch(() => undefined)));
    const candidates = this.#states.filter((s) => s.discovery?.issuer === claims.iss);
    if (candidates.length === 0) {
      throw new IdentityError(this.#states.some((s) => !s.discovery) ? 'unavailable' : 'invalid');
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const state = candidates.find((s) => aud.includes(s.settings.clientId) || claims.azp === s.settings.clientId) ?? candidates[0]!;
    return this.#verifyWith(state, token);
  }

  async #verifyWith(state: State, token: string): Promise<OpenIdVerification> {
    await this.#ready(state);
    const { alg, kid } = tokenHeader(token);
    if (!alg.startsWith('HS') && kid !== undefined && !state.keys!.kids.has(kid)) await this.#refreshKeys(state);
    const { settings } = state;
    const issuer = state.discovery!.issuer;
    const payload = await verifyToken(token, state.keys, {
      issuer, clientId: settings.clientId, algorithms: settings.algorithms, clientSecret: settings.clientSecret, now: this.#now(),
    });
    return {
      identity: identityFrom(payload, settings),
      provider: { name: settings.name, issuer, clientId: settings.clientId, ...(settings.roleArn ? { roleArn: settings.roleArn } : {}) },
    };
  }

  /** Discovery + keys loaded, or IdentityError('unavailable'). */
  async #ready(state: State): Promise<void> {
    if (state.discovery && state.keys) return;
    if (!state.inflight) {
      const now = this.#now().getTime();
      if (state.lastFailed && now - state.lastAttempt < this.#retryMs) throw new IdentityError('unavailable');
      state.lastAttempt = now;
      state.inflight = this.#load(state).finally(() => (state.inflight = undefined));
    }
    await state.inflight;
  }

  async #load(state: State): Promise<void> {
    const { name, configUrl } = state.settings;
    try {
      const discovery = state.discovery ?? (await fetchDiscovery(configUrl, state.fetch));
      state.discovery = discovery;
      state.keys = await fetchKeySet(discovery.jwksUri, state.fetch);
      state.lastKeyFetch = this.#now().getTime();
      state.lastFailed = false;
      this.#logger.info({ provider: name, issuer: discovery.issuer, keys: state.keys.size, roleArn: state.settings.roleArn }, 'openid provider ready');
    } catch (error) {
      state.lastFailed = true;
      this.#logger.warn({ provider: name, configUrl, error: (error as Error).message }, 'openid provider unavailable; retrying on next use');
      throw new IdentityError('unavailable');
    }
  }

  /** Re-fetches the JWKS for an unknown kid, at most once per interval; failures leave the old keys. */
  async #refreshKeys(state: State): Promise<void> {
    if (state.inflight) return state.inflight.catch(() => undefined);
    const now = this.#now().getTime();
    if (now - state.lastKeyFetch < this.#refetchMs) return;
    state.lastKeyFetch = now;
    state.inflight = (async () => {
      try {
        state.keys = await fetchKeySet(state.discovery!.jwksUri, state.fetch);
        this.#logger.info({ provider: state.settings.name, keys: state.keys.size }, 'openid provider keys re-fetched');
      } catch (error) {
        this.#logger.warn({ provider: state.settings.name, error: (error as Error).message }, 'openid provider keys could not be re-fetched');
      }
    })().finally(() => (state.inflight = undefined));
    await state.inflight;
  }
}
