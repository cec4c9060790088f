import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slapdLdapSettings, startSlapd, type Slapd } from '../../../../test/helpers/slapd.js';
import { IdentityError } from '../types.js';
import { LdapIdentityProvider, type LdapProviderDeps, type LdapProviderSettings } from './index.js';

describe('LDAP transport security against slapd', () => {
  let slapd: Slapd;
  const warnings: string[] = [];
  const logger: LdapProviderDeps['logger'] = { warn: (_, msg) => void warnings.push(msg), error: () => undefined };
  const login = (overrides: Partial<LdapProviderSettings>, extraCa?: string[]) =>
    new LdapIdentityProvider(slapdLdapSettings(slapd, { timeoutMs: 2000, ...overrides }), { logger, invalidFloorMs: 0, ...(extraCa ? { extraCa } : {}) })
      .authenticate('alice', 'alicepass', '127.0.0.1');
  const unavailable = async (promise: Promise<unknown>) => {
    await assert.rejects(promise, (e: unknown) => e instanceof IdentityError && e.code === 'unavailable');
  };

  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => slapd?.stop());

  it('StartTLS with the CA succeeds (IP SAN); without it fails as unavailable', async () => {
    assert.equal((await login({})).name, 'alice');
    await unavailable(login({ caPems: [] }));
  });

  it('LDAPS with the CA succeeds, by IP and by host name; without it fails', async () => {
    assert.equal((await login({ transport: 'ldaps', port: slapd.ldapsPort })).name, 'alice');
    assert.equal((await login({ transport: 'ldaps', port: slapd.ldapsPort, host: 'localhost' })).name, 'alice');
    await unavailable(login({ transport: 'ldaps', port: slapd.ldapsPort, caPems: [] }));
  });

  it('takes trust anchors from extraCa (the certificates directory) too', async () => {
    assert.equal((await login({ caPems: [] }, [slapd.caPem])).name, 'alice');
  });

  it('checks the certificate name: a certificate for another host fails, even from a trusted CA', async () => {
    const other = await startSlapd({ subjectAltName: 'DNS:elsewhere.example' });
    try {
      const settings = slapdLdapSettings(other, { timeoutMs: 2000 });
      const provider = new LdapIdentityProvider(settings, { logger, invalidFloorMs: 0 });
      await unavailable(provider.authenticate('alice', 'alicepass', '127.0.0.1'));
      await unavailable(new LdapIdentityProvider({ ...settings, transport: 'ldaps', port: other.ldapsPort, host: 'localhost' }, { logger }).check());
      await new LdapIdentityProvider({ ...settings, tlsSkipVerify: true }, { logger }).check();
    } finally {
      await other.stop();
    }
  });

  it('TLS_SKIP_VERIFY accepts an unknown certificate and warns', async () => {
    warnings.length = 0;
    assert.equal((await login({ caPems: [], tlsSkipVerify: true })).name, 'alice');
    assert.equal((await login({ transport: 'ldaps', port: slapd.ldapsPort, caPems: [], tlsSkipVerify: true })).name, 'alice');
    assert.equal(warnings.filter((w) => /verification is off/.test(w)).length, 2, 'one warning per provider');
  });

  it('never speaks plain LDAP unless the transport is plain (SERVER_INSECURE)', async () => {
    // an ldaps client on the plain port: the TLS handshake fails, nothing is sent in clear
    await unavailable(login({ transport: 'ldaps', port: slapd.port }));
    warnings.length = 0;
    assert.equal((await login({ transport: 'plain', caPems: [] })).name, 'alice');
    assert.ok(warnings.some((w) => /without TLS/.test(w)));
  });
});
