import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../../../test/helpers/process.js';
import { startOidcProvider, type Idp } from '../../../../test/helpers/oidc-provider.js';
import { makeTestCa } from '../../../../test/helpers/tls-material.js';
import { IdentityError } from '../types.js';
import { OpenIdProviders } from './index.js';
import { fakeToken, recordingLogger, roleArnOf, rolePolicySettings, settingsFor } from './test-support.js';

async function refused(promise: Promise<unknown>, code: 'invalid' | 'expired' | 'unavailable' = 'invalid'): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof IdentityError && error.code === code && error.message === new IdentityError(code).message);
}

/** A clock the test moves forward. */
function clock(): { now: () => Date; advance(seconds: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (s) => void (offset += s * 1000) };
}

describe('OpenID providers: key rotation', () => {
  let idp: Idp;
  before(async () => (idp = await startOidcProvider()));
  after(async () => idp.stop());

  it('re-fetches the JWKS for a new kid, at most once per 30 s', async () => {
    const time = clock();
    const logger = recordingLogger();
    const providers = new OpenIdProviders([settingsFor(idp)], { logger, now: time.now });
    await providers.start();
    const before = await idp.idToken('alice');
    await providers.verify(before, undefined);

    time.advance(31);
    await idp.rotateKeys();
    const rotated = await idp.idToken('alice');
    assert.deepEqual((await providers.verify(rotated, undefined)).identity.policies, ['readwrite']);
    await refused(providers.verify(before, undefined)); // the old key is gone from the JWKS

    await idp.rotateKeys();
    const again = await idp.idToken('bob');
    await refused(providers.verify(again, undefined)); // re-fetch rate-limited
    await refused(providers.verify(again, undefined));
    assert.equal(logger.entries.filter((e) => e.m.includes('re-fetched')).length, 1);

    time.advance(31);
    assert.deepEqual((await providers.verify(again, undefined)).identity.policies, ['readonly', 'diagnostics']);
    assert.equal(logger.entries.filter((e) => e.m.includes('re-fetched')).length, 2);
  });

  it('keeps verifying old and new tokens while the JWKS lists both keys', async () => {
    const time = clock();
    const providers = new OpenIdProviders([settingsFor(idp)], { logger: recordingLogger(), now: time.now });
    await providers.start();
    const old = await idp.idToken('alice');
    await idp.rotateKeys({ keepOld: true });
    time.advance(31);
    await providers.verify(await idp.idToken('dave'), undefined);
    await providers.verify(old, undefined);
  });
});

describe('OpenID providers: several providers, RoleArn selection, keys bound per provider', () => {
  let a: Idp;
  let b: Idp;
  before(async () => {
    [a, b] = await Promise.all([startOidcProvider({ kid: 'shared-kid' }), startOidcProvider({ kid: 'shared-kid' })]);
  });
  after(async () => Promise.all([a.stop(), b.stop()]));

  const arnApp2 = roleArnOf('other-app');
  const arnB = roleArnOf('coffer-app-b');
  const setup = async (): Promise<OpenIdProviders> => {
    const providers = new OpenIdProviders([
      settingsFor(a),
      rolePolicySettings(a, 'app2', 'other-app', ['readonly']),
      rolePolicySettings(b, 'idpb', 'coffer-app', ['diagnostics'], { roleArn: arnB }),
    ], { logger: recordingLogger() });
    await providers.start();
    return providers;
  };

  it('a RoleArn of a role-policy provider selects it and grants its role policy', async () => {
    const providers = await setup();
    const { identity, provider } = await providers.verify(await a.idToken('carol', { clientId: 'other-app' }), arnApp2);
    assert.deepEqual(identity.policies, ['readonly']);
    assert.equal(identity.provider, 'openid:app2');
    assert.deepEqual(provider, { name: 'app2', issuer: a.issuer, clientId: 'other-app', roleArn: arnApp2 });
    const region = arnApp2.replace('arn:minio:iam:::', 'arn:minio:iam:us-east-1::');
    assert.equal((await providers.verify(await a.idToken('carol', { clientId: 'other-app' }), region)).provider.name, 'app2');
  });

  it('no RoleArn, or an unknown one, goes to the claim-based provider', async () => {
    const providers = await setup();
    const token = await a.idToken('alice');
    assert.deepEqual((await providers.verify(token, undefined)).identity.policies, ['readwrite']);
    assert.deepEqual((await providers.verify(token, 'arn:aws:iam::123456789012:role/dummy')).identity.policies, ['readwrite']);
    assert.equal((await providers.verify(token, 'arn:minio:iam:::role/unknown')).provider.name, '_');
    await refused(providers.verify(await a.idToken('alice', { clientId: 'other-app' }), undefined)); // wrong audience for '_'
    await refused(providers.verify(token, arnApp2)); // token for coffer-app, role provider is other-app
  });

  it('without a claim-based provider, a missing or unknown RoleArn is refused', async () => {
    const providers = new OpenIdProviders([rolePolicySettings(a, 'app2', 'other-app', ['readonly'])], { logger: recordingLogger() });
    await providers.start();
    const token = await a.idToken('alice', { clientId: 'other-app' });
    await refused(providers.verify(token, undefined));
    await refused(providers.verify(token, 'arn:aws:iam::123456789012:role/dummy'));
    await providers.verify(token, arnApp2);
  });

  it('two providers publishing the same kid cannot verify each other\'s tokens', async () => {
    const providers = await setup();
    assert.equal(a.kid(), b.kid());
    // B's key, A's issuer and audience: routed to A, whose key set holds only A's key.
    await refused(providers.verify(await b.signWith(a.claims('alice'), { alg: 'RS256' }), undefined));
    // A's key, B's issuer and audience, RoleArn of B.
    await refused(providers.verify(await a.signWith(b.claims('alice'), { alg: 'RS256' }), arnB));
    // B's genuine token works through B only.
    const fromB = await b.idToken('alice');
    assert.deepEqual((await providers.verify(fromB, arnB)).identity.policies, ['diagnostics']);
    await refused(providers.verify(fromB, undefined));
  });

  it('verifyForRole picks the provider by the token issuer (and audience), then verifies fully', async () => {
    const providers = await setup();
    assert.equal((await providers.verifyForRole(await a.idToken('alice'))).provider.name, '_');
    assert.equal((await providers.verifyForRole(await a.idToken('alice', { clientId: 'other-app' }))).provider.name, 'app2');
    assert.equal((await providers.verifyForRole(await b.idToken('bob'))).provider.name, 'idpb');
    await refused(providers.verifyForRole(await b.signWith(a.claims('alice'), { alg: 'RS256' })));
    await refused(providers.verifyForRole(await a.signWith(a.claims('alice', { iss: 'https://unknown.example' }), { alg: 'RS256' })));
    await refused(providers.verifyForRole('not-a-token'));
  });
});

describe('OpenID providers: outages and transport', () => {
  it('a provider down at start: start() resolves, verify is unavailable, then works once it is up', async () => {
    const port = await freePort();
    const time = clock();
    const logger = recordingLogger();
    const configUrl = `http://127.0.0.1:${port}/.well-known/openid-configuration`;
    const providers = new OpenIdProviders([settingsFor({ discoveryUrl: configUrl, clientId: 'coffer-app', clientSecret: 'x' })], { logger, now: time.now });
    await providers.start();
    assert.ok(logger.entries.some((e) => e.level === 'warn' && e.m.includes('unavailable')));
    assert.equal(providers.describe()[0]?.online, false);
    await refused(providers.verify(fakeToken(), undefined), 'unavailable');
    await refused(providers.verifyForRole(fakeToken()), 'unavailable');
    const idp = await startOidcProvider({ port });
    try {
      await refused(providers.verify(await idp.idToken('alice'), undefined), 'unavailable'); // retry interval not over
      time.advance(6);
      assert.deepEqual((await providers.verify(await idp.idToken('alice'), undefined)).identity.policies, ['readwrite']);
      assert.equal(providers.describe()[0]?.online, true);
    } finally {
      await idp.stop();
    }
  });

  it('refuses plain http to a non-loopback host without connecting', async () => {
    const logger = recordingLogger();
    const providers = new OpenIdProviders([settingsFor({ discoveryUrl: 'http://192.0.2.1/.well-known/openid-configuration', clientId: 'c', clientSecret: 's' })], { logger });
    await providers.start();
    assert.match(logger.text(), /only https/);
    await refused(providers.verify(fakeToken(), undefined), 'unavailable');
  });

  describe('an HTTPS issuer', () => {
    const ca = makeTestCa();
    const leaf = ca.issue('127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
    let idp: Idp;
    before(async () => (idp = await startOidcProvider({ tls: { ...leaf, ca: ca.cert } })));
    after(async () => idp.stop());

    it('works when its CA is trusted through CA_FILE or the certs dir CAs/', async () => {
      assert.match(idp.issuer, /^https:/);
      for (const providers of [
        new OpenIdProviders([settingsFor(idp, { ca: [ca.cert] })], { logger: recordingLogger() }),
        new OpenIdProviders([settingsFor(idp)], { logger: recordingLogger(), extraCa: [ca.cert] }),
      ]) {
        await providers.start();
        assert.deepEqual((await providers.verify(await idp.idToken('alice'), undefined)).identity.policies, ['readwrite']);
      }
    });

    it('is unavailable when its CA is not trusted', async () => {
      const logger = recordingLogger();
      const providers = new OpenIdProviders([settingsFor(idp)], { logger });
      await providers.start();
      assert.match(logger.text(), /certificate/i);
      await refused(providers.verify(await idp.idToken('alice'), undefined), 'unavailable');
    });

    it('is unavailable when the certificate does not name the host', async () => {
      const wrong = ca.issue('elsewhere', 'DNS:elsewhere.example');
      const other = await startOidcProvider({ tls: { ...wrong, ca: ca.cert } });
      try {
        const logger = recordingLogger();
        const providers = new OpenIdProviders([settingsFor(other, { ca: [ca.cert] })], { logger });
        await providers.start();
        assert.match(logger.text(), /altnames|does not match|IP/i);
        await refused(providers.verify(fakeToken(), undefined), 'unavailable');
      } finally {
        await other.stop();
      }
    });
  });
});
