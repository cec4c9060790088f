/**
 * A real OpenID provider for tests: oidc-provider 8.8.1 (ecosystem.md recipe B) running
 * in-process behind a node:http (or node:https) server on a loopback port.
 *
 * Login and consent are non-interactive: the interaction URL is answered by this wrapper for the
 * user named in `login_hint`, so `idToken(user)` runs the real authorization-code + PKCE flow
 * (following redirects with a cookie jar) and returns the provider's ID token. `signWith` mints
 * arbitrary JWTs with the provider's current private key (or any other key) for the deny-side
 * tests: forged, expired, wrong issuer/audience, nbf, alg none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface IdpUser {
  policy?: string | string[];
  groups?: string[];
  preferred_username?: string;
  email?: string;
}

/** alice: one policy; bob: a comma string; carol: no policy claim; dave: an array. */
export const IDP_USERS: Record<string, IdpUser> = {
  alice: { policy: 'readwrite', groups: ['s3-admins'], preferred_username: 'alice', email: 'alice@example.org' },
  bob: { policy: 'readonly,diagnostics', groups: ['s3-users'], preferred_username: 'bob', email: 'bob@example.org' },
  carol: { preferred_username: 'carol', email: 'carol@example.org' },
  dave: { policy: ['readonly'], preferred_username: 'dave', email: 'dave@example.org' },
};

export interface StartOidcOptions {
  /** Listen on this port (e.g. one reserved with freePort() before the provider is started). */
  port?: number;
  /** Serve the issuer over HTTPS with this certificate (SAN must cover 127.0.0.1). */
  tls?: { key: string; cert: string; ca?: string };
  /** kid of the first signing key (random by default), e.g. to give two providers the same kid. */
  kid?: string;
}

export interface SignOptions {
  /** 'none' produces an unsigned token (`header.payload.`). */
  alg: string;
  /** Header kid; defaults to the current key's kid for asymmetric algorithms. Pass null to omit it. */
  kid?: string | null;
  /** Signing key: the provider's current private key by default; a Uint8Array for HS*. */
  key?: CryptoKey | Uint8Array;
}

export interface Idp {
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  otherClientId: string;
  otherClientSecret: string;
  /** kid of the current signing key. */
  kid(): string;
  /** Runs the auth-code + PKCE flow for `user` and returns the ID token. */
  idToken(user: string, options?: { clientId?: string }): Promise<string>;
  /** Valid claims for `user` (iss, aud = coffer-app, sub, iat, exp = now + 10 min, user claims), with overrides. */
  claims(user: string, overrides?: JWTPayload): JWTPayload;
  /** Mints a JWT with exactly `claims`. */
  signWith(claims: JWTPayload, options: SignOptions): Promise<string>;
  /** Replaces the signing key with a new one (new kid); the JWKS then lists only the new key,
   * or the new key and the previous ones with `keepOld`. */
  rotateKeys(options?: { keepOld?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

const CLIENTS = [
  { id: 'coffer-app', secret: 'coffer-app-secret-0123456789' },
  { id: 'other-app', secret: 'other-app-secret-0123456789' },
];
const REDIRECT = 'http://127.0.0.1:1/oauth_callback';

interface ProviderLike {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ prompt: { details: Record<string, unknown> }; params: Record<string, unknown>; session?: { accountId?: string }; grantId?: string }>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: object, options?: object): Promise<void>;
  Grant: { new (o: object): GrantLike; find(id: string): Promise<GrantLike | undefined> };
}
interface GrantLike {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: unknown): void;
  save(): Promise<string>;
}
type ProviderCtor = new (issuer: string, config: object) => ProviderLike;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid?: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid: kid ?? `k-${randomBytes(6).toString('hex')}`, privateKey, jwk: await exportJWK(privateKey) };
}

/** The first key signs; all are published. */
async function makeProvider(Provider: ProviderCtor, issuer: string, keys: SigningKey[]): Promise<ProviderLike> {
  const jwks = await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.privateKey)), alg: 'RS256', use: 'sig', kid: k.kid })));
  return new Provider(issuer, {
    clients: CLIENTS.map((c) => ({
      client_id: c.id, client_secret: c.secret, redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'client_credentials'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: jwks },
    cookies: { keys: ['coffer-test-cookie-key'] },
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'], groups: ['groups'], policy: ['policy'] },
    scopes: ['openid', 'profile', 'email', 'groups', 'policy', 'offline_access'],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true } },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = IDP_USERS[sub];
      return user && { accountId: sub, claims: () => ({ sub, email_verified: true, ...user }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 300, Session: 3600, Grant: 3600, ClientCredentials: 600 },
  });
}

async function interact(provider: ProviderLike, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  const accountId = session?.accountId ?? String(params.login_hint ?? '');
  if (!IDP_USERS[accountId]) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown test user' });
    return;
  }
  const grant = (grantId ? await provider.Grant.find(grantId) : undefined) ?? new provider.Grant({ accountId, clientId: params.client_id });
  const missingScope = prompt.details.missingOIDCScope as string[] | undefined;
  if (missingScope) grant.addOIDCScope(missingScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; ca?: string }): Promise<Answer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: init.method ?? 'GET', headers: init.headers, ...(init.ca ? { ca: init.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function startOidcProvider(options: StartOidcOptions = {}): Promise<Idp> {
  const specifier = 'oidc-provider';
  const Provider = ((await import(specifier)) as { default: ProviderCtor }).default;
  let key = await newKey(options.kid);
  let retired: SigningKey[] = [];
  let provider: ProviderLike | undefined;
  let callback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (!provider || !callback) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (/^\/interaction\/[^/?]+/.test(req.url ?? '')) {
      interact(provider, req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    callback(req, res);
  };
  const tls = options.tls;
  const server: Server = tls ? (createHttpsServer({ key: tls.key, cert: tls.cert }, handler) as unknown as Server) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const ca = tls?.ca ?? tls?.cert;

  const install = async (): Promise<void> => {
    provider = await makeProvider(Provider, issuer, [key, ...retired]);
    callback = provider.callback();
  };
  await install();

  const secretOf = (clientId: string): string => {
    const client = CLIENTS.find((c) => c.id === clientId);
    if (!client) throw new Error(`unknown test client ${clientId}`);
    return client.secret;
  };

  async function idToken(user: string, opts: { clientId?: string } = {}): Promise<string> {
    const clientId = opts.clientId ?? 'coffer-app';
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const jar = new Map<string, string>();
    let url = `${issuer}/auth?${new URLSearchParams({
      client_id: clientId, response_type: 'code', scope: 'openid profile email groups policy', redirect_uri: REDIRECT,
      state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256', login_hint: user,
    })}`;
    let code: string | null = null;
    for (let hop = 0; hop < 10 && code === null; hop++) {
      const answer = await send(url, { headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }, ...(ca ? { ca } : {}) });
      for (const cookie of answer.headers['set-cookie'] ?? []) {
        const [pair = ''] = cookie.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = answer.headers.location;
      if (!location) throw new Error(`oidc flow hop ${hop}: status ${answer.status} ${answer.body.slice(0, 300)}`);
      url = new URL(location, url).href;
      if (url.startsWith(REDIRECT)) {
        const back = new URL(url).searchParams;
        if (back.get('error')) throw new Error(`oidc flow refused: ${back.get('error')}`);
        code = back.get('code');
      }
    }
    if (!code) throw new Error('oidc flow: no authorization code');
    const answer = await send(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secretOf(clientId)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
      ...(ca ? { ca } : {}),
    });
    const token = (JSON.parse(answer.body) as { id_token?: string }).id_token;
    if (answer.status !== 200 || !token) throw new Error(`oidc token endpoint: status ${answer.status}`);
    return token;
  }

  function claims(user: string, overrides: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: issuer, aud: 'coffer-app', sub: user, iat: now, exp: now + 600, ...IDP_USERS[user], ...overrides };
  }

  async function signWith(payload: JWTPayload, opts: SignOptions): Promise<string> {
    const kid = opts.kid === null ? undefined : opts.kid ?? (opts.alg.startsWith('HS') || opts.alg === 'none' ? undefined : key.kid);
    if (opts.alg === 'none') {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })).toString('base64url');
      return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    }
    // The current RSA key may sign with any RS*/PS* algorithm (to test alg/key mismatches).
    const signingKey = opts.key ?? (opts.alg === 'RS256' ? key.privateKey : await importJWK(key.jwk, opts.alg));
    return new SignJWT(payload).setProtectedHeader({ alg: opts.alg, typ: 'JWT', ...(kid ? { kid } : {}) }).sign(signingKey);
  }

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId: 'coffer-app',
    clientSecret: secretOf('coffer-app'),
    otherClientId: 'other-app',
    otherClientSecret: secretOf('other-app'),
    kid: () => key.kid,
    idToken,
    claims,
    signWith,
    async rotateKeys(opts = {}) {
      retired = opts.keepOld ? [key, ...retired] : [];
      key = await newKey();
      await install();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
