import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from 'jose';
import { startOidcProvider, type Idp } from '../../../../test/helpers/oidc-provider.js';
import { IdentityError } from '../types.js';
import { OpenIdProviders } from './index.js';
import { recordingLogger, settingsFor, DEFAULT_ALGORITHMS } from './test-support.js';

const INVALID = new IdentityError('invalid').message;
const now = (): number => Math.floor(Date.now() / 1000);

async function refused(promise: Promise<unknown>, code: 'invalid' | 'expired' | 'unavailable' = 'invalid'): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IdentityError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.message, new IdentityError(code).message);
    return true;
  });
}

describe('OpenID token verification against a real oidc-provider', () => {
  let idp: Idp;
  let providers: OpenIdProviders;
  const logger = recordingLogger();
  const tokens: string[] = [];

  before(async () => {
    idp = await startOidcProvider();
    providers = new OpenIdProviders([settingsFor(idp)], { logger });
    await providers.start();
  });
  after(async () => {
    await idp.stop();
    for (const token of tokens) assert.ok(!logger.text().includes(token.split('.')[2]!), 'a token reached the log');
    assert.ok(!logger.text().includes(idp.clientSecret), 'the client secret reached the log');
  });

  const token = async (user: string, clientId?: string): Promise<string> => {
    const t = await idp.idToken(user, clientId ? { clientId } : {});
    tokens.push(t);
    return t;
  };

  it('accepts a real ID token for alice and returns her identity and policy', async () => {
    const t = await token('alice');
    const { identity, provider } = await providers.verify(t, undefined);
    assert.equal(identity.provider, 'openid:_');
    assert.equal(identity.subject, 'alice');
    assert.equal(identity.name, 'alice');
    assert.deepEqual(identity.groups, []);
    assert.deepEqual(identity.policies, ['readwrite']);
    assert.deepEqual(identity.claims['jwt:sub'], ['alice']);
    assert.deepEqual(identity.claims['jwt:preferred_username'], ['alice']);
    assert.deepEqual(identity.claims['jwt:email'], ['alice@example.org']);
    assert.deepEqual(identity.claims['jwt:groups'], ['s3-admins']);
    assert.deepEqual(identity.claims['jwt:aud'], ['coffer-app']);
    assert.deepEqual(identity.claims['jwt:iss'], [idp.issuer]);
    assert.equal(identity.claims['jwt:exp'], undefined, 'numbers are not policy-variable values');
    assert.ok(identity.notAfter instanceof Date && identity.notAfter.getTime() > Date.now() + 3000_000);
    assert.deepEqual(provider, { name: '_', issuer: idp.issuer, clientId: 'coffer-app' });
  });

  it("reads bob's comma-separated policy claim and dave's array", async () => {
    assert.deepEqual((await providers.verify(await token('bob'), undefined)).identity.policies, ['readonly', 'diagnostics']);
    assert.deepEqual((await providers.verify(await token('dave'), undefined)).identity.policies, ['readonly']);
  });

  it('returns carol, who has no policy claim, with no policies (the caller refuses her)', async () => {
    const { identity } = await providers.verify(await token('carol'), undefined);
    assert.equal(identity.subject, 'carol');
    assert.deepEqual(identity.policies, []);
  });

  it('ignores a policy claim that is neither a string nor an array of strings', async () => {
    for (const policy of [42, { a: 'readwrite' }, ['readwrite', 7], true]) {
      const t = await idp.signWith(idp.claims('alice', { policy }), { alg: 'RS256' });
      assert.deepEqual((await providers.verify(t, undefined)).identity.policies, []);
    }
  });

  it('refuses a real token issued to another client (wrong audience)', async () => {
    await refused(providers.verify(await token('alice', 'other-app'), undefined));
  });

  it('accepts an audience list containing the client id, or azp equal to it', async () => {
    await providers.verify(await idp.signWith(idp.claims('alice', { aud: ['x', 'coffer-app'] }), { alg: 'RS256' }), undefined);
    await providers.verify(await idp.signWith(idp.claims('alice', { aud: 'x', azp: 'coffer-app' }), { alg: 'RS256' }), undefined);
    await refused(providers.verify(await idp.signWith(idp.claims('alice', { aud: ['x', 'y'], azp: 'other-app' }), { alg: 'RS256' }), undefined));
  });

  it("refuses an expired token with 'expired', within 60 s of exp still accepts it", async () => {
    await refused(providers.verify(await idp.signWith(idp.claims('alice', { exp: now() - 120 }), { alg: 'RS256' }), undefined), 'expired');
    await providers.verify(await idp.signWith(idp.claims('alice', { exp: now() - 20 }), { alg: 'RS256' }), undefined);
  });

  it("calls an expired token with a wrong audience or issuer 'invalid', not 'expired'", async () => {
    await refused(providers.verify(await idp.signWith(idp.claims('alice', { exp: now() - 120, aud: 'other-app' }), { alg: 'RS256' }), undefined));
    await refused(providers.verify(await idp.signWith(idp.claims('alice', { exp: now() - 120, iss: 'https://evil.example' }), { alg: 'RS256' }), undefined));
  });

  it('refuses nbf or iat in the future, a wrong issuer, a missing or empty sub, a missing exp', async () => {
    const cases = [
      idp.claims('alice', { nbf: now() + 300 }),
      idp.claims('alice', { iat: now() + 300 }),
      idp.claims('alice', { iss: `${idp.issuer}/` }),
      idp.claims('alice', { iss: 'https://evil.example' }),
      idp.claims('alice', { sub: '' }),
      idp.claims('alice', { sub: 42 as unknown as string }),
      { ...idp.claims('alice'), sub: undefined },
      { ...idp.claims('alice'), exp: undefined },
      { ...idp.claims('alice'), iss: undefined },
    ];
    for (const claims of cases) await refused(providers.verify(await idp.signWith(claims, { alg: 'RS256' }), undefined));
  });

  it("refuses alg 'none', with or without a kid", async () => {
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'none' }), undefined));
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'none', kid: idp.kid() }), undefined));
    const real = (await token('alice')).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: idp.kid() })).toString('base64url');
    await refused(providers.verify(`${none}.${real[1]}.`, undefined));
    await refused(providers.verify(`${none}.${real[1]}.${real[2]}`, undefined));
  });

  it('refuses HS256 tokens signed with a guessed secret, and with the real secret while HS256 is not allowed', async () => {
    for (const secret of ['secret', 'coffer-app', idp.clientSecret]) {
      await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'HS256', key: new TextEncoder().encode(secret) }), undefined));
      await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'HS256', kid: idp.kid(), key: new TextEncoder().encode(secret) }), undefined));
    }
  });

  it('accepts HS256 signed with the client secret only when the provider lists HS256', async () => {
    const hs = new OpenIdProviders([settingsFor(idp, { algorithms: [...DEFAULT_ALGORITHMS, 'HS256'] })], { logger });
    await hs.start();
    const good = await idp.signWith(idp.claims('alice'), { alg: 'HS256', key: new TextEncoder().encode(idp.clientSecret) });
    assert.deepEqual((await hs.verify(good, undefined)).identity.policies, ['readwrite']);
    await refused(hs.verify(await idp.signWith(idp.claims('alice'), { alg: 'HS256', key: new TextEncoder().encode('guess') }), undefined));
    await refused(hs.verify(await idp.signWith(idp.claims('alice'), { alg: 'HS384', key: new TextEncoder().encode(idp.clientSecret) }), undefined));
  });

  it("refuses a token signed by a foreign key that carries the provider's kid", async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'RS256', key: privateKey }), undefined));
    const ec = await generateKeyPair('ES256');
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'ES256', key: ec.privateKey }), undefined));
  });

  it('refuses an algorithm that does not match the key, or is not on the allow-list', async () => {
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'RS384' }), undefined));
    await refused(providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'PS256' }), undefined));
    const rs512Only = new OpenIdProviders([settingsFor(idp, { algorithms: ['RS512'] })], { logger });
    await rs512Only.start();
    await refused(rs512Only.verify(await token('alice'), undefined));
  });

  it('refuses a tampered payload and a tampered header', async () => {
    const [header, payload, signature] = (await token('carol')).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, policy: 'consoleAdmin' })).toString('base64url');
    await refused(providers.verify(`${header}.${forged}.${signature}`, undefined));
    const h = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
    await refused(providers.verify(`${Buffer.from(JSON.stringify({ ...h, typ: 'at+jwt' })).toString('base64url')}.${payload}.${signature}`, undefined));
    await refused(providers.verify(`${header}.${payload}.${signature.slice(0, -4)}AAAA`, undefined));
  });

  it('refuses garbage, oversized tokens and an unknown kid with the same message', async () => {
    const big = await idp.signWith(idp.claims('alice', { pad: 'x'.repeat(17 * 1024) }), { alg: 'RS256' });
    for (const t of ['', 'abc', 'a.b.c', 'a.b', `${'a'.repeat(20)}.${'b'.repeat(20)}.c.d`, big,
      await idp.signWith(idp.claims('alice'), { alg: 'RS256', kid: 'unknown-kid' })]) {
      await refused(providers.verify(t, undefined));
    }
    assert.equal(INVALID, 'The identity could not be verified.');
  });

  it('accepts a token without kid while the JWKS has one key, refuses it once there are several', async () => {
    await providers.verify(await idp.signWith(idp.claims('alice'), { alg: 'RS256', kid: null }), undefined);
    const other = await startOidcProvider();
    try {
      await other.rotateKeys({ keepOld: true });
      const multi = new OpenIdProviders([settingsFor(other)], { logger });
      await multi.start();
      await multi.verify(await other.idToken('alice'), undefined);
      await refused(multi.verify(await other.signWith(other.claims('alice'), { alg: 'RS256', kid: null }), undefined));
    } finally {
      await other.stop();
    }
  });
});
