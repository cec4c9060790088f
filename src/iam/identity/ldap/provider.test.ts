import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slapdLdapSettings, startSlapd, type Slapd } from '../../../../test/helpers/slapd.js';
import { IdentityError } from '../types.js';
import { LdapIdentityProvider, type LdapProviderDeps } from './index.js';

function recordingLogger(): LdapProviderDeps['logger'] & { lines: Array<{ level: string; obj: object; msg: string }> } {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  return { lines, warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }), error: (obj, msg) => void lines.push({ level: 'error', obj, msg }) };
}

async function failsWith(promise: Promise<unknown>, code: IdentityError['code']): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IdentityError, String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected IdentityError('${code}')`);
}

describe('LdapIdentityProvider against slapd', () => {
  let slapd: Slapd;
  let provider: LdapIdentityProvider;
  const logger = recordingLogger();
  const deps = { logger, invalidFloorMs: 0, throttle: { maxPerUser: 1000, maxPerSource: 1000 } };

  before(async () => {
    slapd = await startSlapd();
    provider = new LdapIdentityProvider(slapdLdapSettings(slapd), deps);
  });
  after(async () => slapd?.stop());

  it('authenticates alice and returns her normalised DN, groups and claims', async () => {
    const id = await provider.authenticate(' alice ', 'alicepass', '127.0.0.1');
    assert.deepEqual(id, {
      provider: 'ldap',
      subject: 'uid=alice,ou=people,dc=example,dc=org',
      name: 'alice',
      groups: ['cn=s3-readers,ou=groups,dc=example,dc=org'],
      policies: [],
      claims: {
        'ldap:username': ['alice'],
        'ldap:user': ['uid=alice,ou=people,dc=example,dc=org'],
        'ldap:groups': ['cn=s3-readers,ou=groups,dc=example,dc=org'],
        'ldap:mail': ['alice@example.org'],
      },
    });
  });

  it('takes the username spelling from the directory, so case does not change the identity', async () => {
    const id = await provider.authenticate('ALICE', 'alicepass', '127.0.0.1');
    assert.equal(id.name, 'alice');
    assert.deepEqual(id.claims['ldap:username'], ['alice']);
  });

  it('refuses a wrong password, an unknown user and empty input with one identical answer', async () => {
    const messages = new Set<string>();
    for (const [user, password] of [['alice', 'wrong'], ['alice', 'Alicepass'], ['nobody', 'alicepass'], ['alice', ''], ['', 'alicepass'], ['   ', 'x']]) {
      messages.add((await failsWith(provider.authenticate(user!, password!, '127.0.0.1'), 'invalid')).message);
    }
    assert.equal(messages.size, 1);
    assert.ok(![...messages][0]!.match(/ldap|credential|user|password|dn/i), 'the message names no internals');
  });

  it('refuses filter injection in the username', async () => {
    for (const evil of ['*', 'alice)(uid=*', '*)(|(uid=*', 'a*', '*)(uid=alice', 'alice\\', 'alice\0']) {
      await failsWith(provider.authenticate(evil, 'alicepass', '127.0.0.1'), 'invalid');
    }
  });

  it('finds a user whose uid holds filter specials, literally', async () => {
    const id = await provider.authenticate('d*ve(x)', 'davepass', '127.0.0.1');
    assert.equal(id.subject, 'uid=d*ve(x),ou=people,dc=example,dc=org');
    await failsWith(provider.authenticate('d*', 'davepass', '127.0.0.1'), 'invalid');
  });

  it('finds a user with a non-ASCII uid', async () => {
    await slapd.addUser('zoë', 'zoëpass', ['s3-writers']);
    const id = await provider.authenticate('zoë', 'zoëpass', '127.0.0.1');
    assert.equal(id.subject, 'uid=zoë,ou=people,dc=example,dc=org');
    assert.deepEqual(id.groups, ['cn=s3-writers,ou=groups,dc=example,dc=org']);
    await failsWith(provider.authenticate('zoe', 'zoëpass', '127.0.0.1'), 'invalid');
  });

  it('refuses a user outside the search base, even with the right password', async () => {
    await failsWith(provider.authenticate('eve', 'evepass', '127.0.0.1'), 'invalid');
  });

  it('refuses a username that matches more than one entry', async () => {
    const wide = new LdapIdentityProvider(slapdLdapSettings(slapd, { userDnSearchFilter: '(|(uid=%s)(objectClass=inetOrgPerson))' }), deps);
    await failsWith(wide.authenticate('alice', 'alicepass', '127.0.0.1'), 'invalid');
  });

  it('reports direct groups only with (member=%d); a configurable %s filter works too', async () => {
    assert.deepEqual((await provider.authenticate('carol', 'carolpass', '127.0.0.1')).groups, ['cn=nested-child,ou=groups,dc=example,dc=org']);
    const posix = new LdapIdentityProvider(slapdLdapSettings(slapd, { groupSearchFilter: '(&(objectClass=posixGroup)(memberUid=%s))' }), deps);
    assert.deepEqual((await posix.authenticate('ALICE', 'alicepass', '127.0.0.1')).groups, ['cn=posix-devs,ou=groups,dc=example,dc=org']);
    const both = new LdapIdentityProvider(slapdLdapSettings(slapd, { groupSearchFilter: '(|(member=%d)(memberUid=%s))' }), deps);
    assert.deepEqual((await both.authenticate('alice', 'alicepass', '127.0.0.1')).groups, ['cn=posix-devs,ou=groups,dc=example,dc=org', 'cn=s3-readers,ou=groups,dc=example,dc=org']);
    const none = new LdapIdentityProvider(slapdLdapSettings(slapd, { groupSearchFilter: undefined, groupSearchBaseDns: [] }), deps);
    assert.deepEqual((await none.authenticate('alice', 'alicepass', '127.0.0.1')).groups, []);
  });

  it('searches several base DNs', async () => {
    const two = new LdapIdentityProvider(slapdLdapSettings(slapd, { userDnSearchBaseDns: [slapd.peopleDn, `ou=contractors,${slapd.baseDn}`] }), deps);
    assert.equal((await two.authenticate('eve', 'evepass', '127.0.0.1')).subject, 'uid=eve,ou=contractors,dc=example,dc=org');
  });

  it('works with anonymous lookups when no lookup DN is configured', async () => {
    const anonymous = new LdapIdentityProvider(slapdLdapSettings(slapd, { lookupBindDn: undefined, lookupBindPassword: undefined }), deps);
    assert.equal((await anonymous.authenticate('bob', 'bobpass', '127.0.0.1')).name, 'bob');
  });

  it('is unavailable, not invalid, when the lookup account is refused', async () => {
    const { Secret } = await import('../../../core/index.js');
    const broken = new LdapIdentityProvider(slapdLdapSettings(slapd, { lookupBindPassword: new Secret('wrong') }), { ...deps, logger: recordingLogger() });
    await failsWith(broken.authenticate('alice', 'alicepass', '127.0.0.1'), 'unavailable');
    await failsWith(broken.check(), 'unavailable');
    await provider.check();
  });

  it('lookup() follows the directory: deleted users vanish, group changes show', async () => {
    await slapd.addUser('frank', 'frankpass', ['s3-readers', 's3-writers']);
    const frank = await provider.authenticate('frank', 'frankpass', '127.0.0.1');
    assert.deepEqual(await provider.lookup(frank.subject), { exists: true, name: 'frank', groups: ['cn=s3-readers,ou=groups,dc=example,dc=org', 'cn=s3-writers,ou=groups,dc=example,dc=org'] });
    assert.deepEqual(await provider.lookup('UID=frank, OU=people,DC=example,DC=org'), await provider.lookup(frank.subject));
    await slapd.removeFromGroup('frank', 's3-writers');
    assert.deepEqual(await provider.lookup(frank.subject), { exists: true, name: 'frank', groups: ['cn=s3-readers,ou=groups,dc=example,dc=org'] });
    await slapd.deleteUser('frank');
    assert.deepEqual(await provider.lookup(frank.subject), { exists: false });
  });

  it('lookup() reports users outside the base or no longer matching the filter as gone', async () => {
    assert.deepEqual(await provider.lookup(`uid=eve,ou=contractors,${slapd.baseDn}`), { exists: false });
    assert.deepEqual(await provider.lookup(`cn=s3-readers,${slapd.groupsDn}`), { exists: false });
    assert.deepEqual(await provider.lookup(`uid=ghost,${slapd.peopleDn}`), { exists: false });
    assert.deepEqual(await provider.lookup('not a dn'), { exists: false });
    const strict = new LdapIdentityProvider(slapdLdapSettings(slapd, { userDnSearchFilter: '(&(uid=%s)(mail=*@example.com))' }), deps);
    assert.deepEqual(await strict.lookup(`uid=alice,${slapd.peopleDn}`), { exists: false });
    assert.equal((await provider.lookup(`uid=d*ve(x),${slapd.peopleDn}`)).exists, true);
  });

  it('lookup() and check() throw unavailable when slapd is down, never report a user gone', async () => {
    const other = await startSlapd();
    const logs = recordingLogger();
    const p = new LdapIdentityProvider(slapdLdapSettings(other, { timeoutMs: 1000 }), { ...deps, logger: logs });
    try {
      assert.equal((await p.lookup(`uid=alice,${other.peopleDn}`)).exists, true);
    } finally {
      await other.stop();
    }
    await failsWith(p.lookup(`uid=alice,${other.peopleDn}`), 'unavailable');
    await failsWith(p.check(), 'unavailable');
    await failsWith(p.authenticate('alice', 'alicepass', '127.0.0.1'), 'unavailable');
    assert.ok(logs.lines.some((l) => l.level === 'error'));
    assert.ok(!JSON.stringify(logs.lines).includes('alicepass') && !JSON.stringify(logs.lines).includes('lookuppass'));
  });

  it('logs no password', () => {
    const text = JSON.stringify(logger.lines);
    for (const secret of ['alicepass', 'lookuppass', 'davepass', 'evepass']) assert.ok(!text.includes(secret), secret);
  });
});
