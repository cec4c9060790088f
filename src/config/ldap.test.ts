import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ldapConfig } from './ldap.js';
import { ConfigError } from './secret-file.js';

const PASSWORD = 'S3cr3t-lookup-pw';
const BASE = {
  COFFER_IDENTITY_LDAP_SERVER_ADDR: 'ldap.example.org',
  COFFER_IDENTITY_LDAP_LOOKUP_BIND_DN: 'cn=lookup,dc=example,dc=org',
  COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: PASSWORD,
  COFFER_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: 'ou=people,dc=example,dc=org; ou=staff,dc=example,dc=org',
  COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '(uid=%s)',
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function refuses(env: Record<string, string>, variable: RegExp): void {
  assert.throws(() => ldapConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, variable);
    assert.ok(!e.message.includes(PASSWORD), 'the password is never repeated');
    return true;
  });
}

describe('LDAP configuration', () => {
  it('is off without a server address', () => {
    assert.equal(ldapConfig({}), undefined);
    assert.equal(ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_ENABLE: 'off' }), undefined);
  });

  it('reads a complete configuration with safe defaults, frozen, the password wrapped', () => {
    const s = ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_ATTRIBUTES: 'mail, displayName',
      COFFER_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: 'ou=groups,dc=example,dc=org', COFFER_IDENTITY_LDAP_GROUP_SEARCH_FILTER: '(&(objectClass=groupOfNames)(member=%d))' })!;
    assert.deepEqual({ host: s.host, port: s.port, transport: s.transport, skip: s.tlsSkipVerify }, { host: 'ldap.example.org', port: 636, transport: 'ldaps', skip: false });
    assert.deepEqual(s.userDnSearchBaseDns, ['ou=people,dc=example,dc=org', 'ou=staff,dc=example,dc=org']);
    assert.deepEqual(s.userDnAttributes, ['mail', 'displayName']);
    assert.equal(s.groupSearchFilter, '(&(objectClass=groupOfNames)(member=%d))');
    assert.equal(s.lookupBindPassword?.reveal(), PASSWORD);
    assert.equal(s.syncIntervalSeconds, 600);
    assert.equal(s.timeoutMs, 5000);
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.userDnSearchBaseDns));
    assert.ok(!JSON.stringify(s).includes(PASSWORD));
  });

  it('accepts the MINIO_IDENTITY_LDAP_* names, the COFFER_ name winning', () => {
    const minio = Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k.replace('COFFER_', 'MINIO_'), v]));
    assert.equal(ldapConfig(minio)?.host, 'ldap.example.org');
    assert.equal(ldapConfig({ ...minio, COFFER_IDENTITY_LDAP_SERVER_ADDR: 'other:1636' })?.port, 1636);
    assert.equal(ldapConfig({ ...minio, MINIO_IDENTITY_LDAP_SERVER_STARTTLS: 'on' })?.transport, 'starttls');
  });

  it('chooses the transport: ldaps by default, StartTLS or plain only when asked', () => {
    const t = (extra: Record<string, string>) => { const s = ldapConfig({ ...BASE, ...extra })!; return `${s.transport}:${s.port}`; };
    assert.equal(t({ COFFER_IDENTITY_LDAP_SERVER_STARTTLS: 'on' }), 'starttls:389');
    assert.equal(t({ COFFER_IDENTITY_LDAP_SERVER_INSECURE: 'on' }), 'plain:389');
    assert.equal(t({ COFFER_IDENTITY_LDAP_SERVER_ADDR: 'ldaps://10.0.0.5:6360' }), 'ldaps:6360');
    assert.equal(t({ COFFER_IDENTITY_LDAP_SERVER_ADDR: 'ldap://h:3890', COFFER_IDENTITY_LDAP_SERVER_STARTTLS: 'on' }), 'starttls:3890');
    assert.equal(ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_SERVER_ADDR: '[::1]:636' })?.host, '::1');
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_SERVER_ADDR: 'ldap://h:389' }, /SERVER_ADDR.*SERVER_STARTTLS/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_SERVER_STARTTLS: 'on', COFFER_IDENTITY_LDAP_SERVER_INSECURE: 'on' }, /cannot both/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_SERVER_INSECURE: 'maybe' }, /COFFER_IDENTITY_LDAP_SERVER_INSECURE/);
  });

  it('refuses a bad server address', () => {
    for (const bad of ['host:0', 'host:70000', 'http://host', 'ho st', 'host:12:34', 'user@host']) {
      refuses({ ...BASE, COFFER_IDENTITY_LDAP_SERVER_ADDR: bad }, /COFFER_IDENTITY_LDAP_SERVER_ADDR/);
    }
    refuses({ ...Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k.replace('COFFER_', 'MINIO_'), v])), MINIO_IDENTITY_LDAP_SERVER_ADDR: 'a b' }, /MINIO_IDENTITY_LDAP_SERVER_ADDR/);
  });

  it('requires a user filter with %s, and group settings together', () => {
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '(uid=alice)' }, /USER_DN_SEARCH_FILTER.*%s/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: 'uid=%s' }, /USER_DN_SEARCH_FILTER/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '(uid=%s))(' }, /USER_DN_SEARCH_FILTER/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '' }, /USER_DN_SEARCH_FILTER: required/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: ' ; ' }, /USER_DN_SEARCH_BASE_DN/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: 'not a dn' }, /USER_DN_SEARCH_BASE_DN/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_GROUP_SEARCH_FILTER: '(member=%d)' }, /GROUP_SEARCH_BASE_DN and/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: 'ou=g,dc=x', COFFER_IDENTITY_LDAP_GROUP_SEARCH_FILTER: '(cn=admins)' }, /GROUP_SEARCH_FILTER.*%s/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_USER_DN_ATTRIBUTES: 'mail,bad attr' }, /USER_DN_ATTRIBUTES/);
  });

  it('needs the lookup DN and password together, and never echoes the password', () => {
    const { COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: _, ...noPassword } = BASE;
    refuses(noPassword, /LOOKUP_BIND_DN.*PASSWORD/);
    const { COFFER_IDENTITY_LDAP_LOOKUP_BIND_DN: __, ...noDn } = BASE;
    refuses(noDn, /LOOKUP_BIND_PASSWORD/);
    const { COFFER_IDENTITY_LDAP_LOOKUP_BIND_DN: ___, COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: ____, ...anonymous } = BASE;
    const s = ldapConfig(anonymous)!;
    assert.equal(s.lookupBindDn, undefined);
    assert.equal(s.lookupBindPassword, undefined);
  });

  it('reads the lookup password from a 0600 _FILE and refuses a world-readable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-ldap-config-'));
    try {
      const { COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: _, ...rest } = BASE;
      writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`, { mode: 0o600 });
      assert.equal(ldapConfig({ ...rest, COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD_FILE: join(dir, 'pw') })?.lookupBindPassword?.reveal(), PASSWORD);
      writeFileSync(join(dir, 'open'), PASSWORD, { mode: 0o644 });
      refuses({ ...rest, COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD_FILE: join(dir, 'open') }, /readable by every user/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads CA certificates from a file or a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-ldap-ca-'));
    try {
      writeFileSync(join(dir, 'a.pem'), PEM);
      writeFileSync(join(dir, 'b.crt'), PEM);
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
      assert.equal(ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_CA_FILE: dir })?.caPems.length, 2);
      assert.equal(ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_CA_FILE: join(dir, 'a.pem') })?.caPems.length, 1);
      assert.equal(ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_CA_FILE: '/virtual.pem' }, () => PEM)?.caPems[0], PEM);
      refuses({ ...BASE, COFFER_IDENTITY_LDAP_CA_FILE: join(dir, 'notes.txt') }, /CA_FILE.*no PEM/);
      refuses({ ...BASE, COFFER_IDENTITY_LDAP_CA_FILE: join(dir, 'missing') }, /CA_FILE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the sync interval and timeout within bounds', () => {
    const s = ldapConfig({ ...BASE, COFFER_IDENTITY_LDAP_SYNC_INTERVAL: '120', COFFER_IDENTITY_LDAP_TIMEOUT: '2500' })!;
    assert.deepEqual([s.syncIntervalSeconds, s.timeoutMs], [120, 2500]);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_SYNC_INTERVAL: '1' }, /SYNC_INTERVAL/);
    refuses({ ...BASE, COFFER_IDENTITY_LDAP_TIMEOUT: '5s' }, /TIMEOUT/);
  });

  it('refuses the legacy username-format settings instead of ignoring them', () => {
    refuses({ ...BASE, MINIO_IDENTITY_LDAP_USERNAME_FORMAT: 'uid=%s,dc=x' }, /MINIO_IDENTITY_LDAP_USERNAME_FORMAT: not supported/);
    refuses({ MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN: 'cn=x' }, /need COFFER_IDENTITY_LDAP_SERVER_ADDR/);
  });
});
