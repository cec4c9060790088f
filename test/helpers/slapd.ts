/**
 * A real OpenLDAP server (Debian slapd, recipe A of reference/ecosystem.md) for identity tests.
 *
 * startSlapd() writes a slapd.conf, a self-signed certificate for CN=localhost (SAN DNS:localhost,
 * IP:127.0.0.1) and a seed LDIF into a fresh temp dir, loads the seed offline with slapadd, and
 * starts slapd on two free loopback ports: ldap:// (StartTLS capable) and ldaps://. Works as root
 * and as an ordinary user (every file slapd writes lives in the temp dir). stop() kills slapd by
 * its pid and removes the dir; a process 'exit' hook does the same if a test forgets.
 *
 * Seed (base dc=example,dc=org):
 *   cn=lookup,dc=example,dc=org (lookuppass)       read-only service account for lookup binds
 *   ou=people: alice (alicepass, mail, in s3-readers), bob (bobpass, in s3-writers),
 *              carol (carolpass, in nested-child, which is a member of nested-parent),
 *              'd*ve(x)' (davepass, filter specials in the uid)
 *   ou=contractors: eve (evepass) — outside the usual user search base
 *   ou=groups (groupOfNames): s3-readers, s3-writers, nested-child, nested-parent;
 *             posixGroup posix-devs (memberUid: alice) for %s group filters
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Attribute, Change, Client, NoSuchObjectError } from 'ldapts';
import type { LdapSettings } from '../../src/config/ldap.js';
import { Secret } from '../../src/core/index.js';
import { alive, freePort } from './process.js';

const run = promisify(execFile);

export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
const PLACEHOLDER_MEMBER = `cn=no-member,${BASE_DN}`;

export interface SlapdOptions {
  /** Let anonymous clients read the directory (default true; the lookup account always can). */
  anonymousRead?: boolean;
  /** subjectAltName of the server certificate (default 'DNS:localhost,IP:127.0.0.1'). */
  subjectAltName?: string;
}

export interface Slapd {
  /** ldap://127.0.0.1:PORT — plain, StartTLS capable. */
  url: string;
  /** ldaps://127.0.0.1:PORT */
  ldapsUrl: string;
  host: string;
  port: number;
  ldapsPort: number;
  /** The self-signed server certificate (its own trust anchor). */
  caPem: string;
  adminDn: string;
  adminPassword: string;
  lookupDn: string;
  lookupPassword: string;
  baseDn: string;
  peopleDn: string;
  groupsDn: string;
  pid: number;
  userDn(uid: string): string;
  groupDn(group: string): string;
  /** Adds uid under ou=people (inetOrgPerson, mail uid@example.org) and to the groups (created when missing). */
  addUser(uid: string, password: string, groups?: string[]): Promise<void>;
  /** Removes the user from every group and deletes the entry. */
  deleteUser(uid: string): Promise<void>;
  addToGroup(uid: string, group: string): Promise<void>;
  removeFromGroup(uid: string, group: string): Promise<void>;
  stop(): Promise<void>;
}

/** RFC 4514 escaping of one attribute value (enough for test uids such as 'd*ve(x)'). */
function dnValue(value: string): string {
  return value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

function ldifValue(name: string, value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && !/^[ :<]/.test(value) && !value.endsWith(' ')
    ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function seed(lookupPassword: string): string {
  const u = (uid: string, ou = 'people') => `uid=${dnValue(uid)},ou=${ou},${BASE_DN}`;
  const g = (cn: string) => `cn=${cn},${GROUPS_DN}`;
  const person = (uid: string, password: string, ou = 'people') => [
    ldifValue('dn', u(uid, ou)), 'objectClass: inetOrgPerson', ldifValue('uid', uid), ldifValue('cn', uid),
    'sn: Test', `mail: ${uid.replace(/[^a-z]/g, '')}@example.org`, ldifValue('userPassword', password), ''];
  const group = (cn: string, members: string[]) => [
    `dn: ${g(cn)}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((m) => ldifValue('member', m)), ''];
  return [
    `dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Example', 'dc: example', '',
    `dn: cn=lookup,${BASE_DN}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', 'cn: lookup',
    `userPassword: ${lookupPassword}`, '',
    ...['people', 'contractors', 'groups'].flatMap((ou) => [`dn: ou=${ou},${BASE_DN}`, 'objectClass: organizationalUnit', `ou: ${ou}`, '']),
    ...person('alice', 'alicepass'), ...person('bob', 'bobpass'), ...person('carol', 'carolpass'),
    ...person('d*ve(x)', 'davepass'), ...person('eve', 'evepass', 'contractors'),
    ...group('s3-readers', [u('alice')]), ...group('s3-writers', [u('bob')]),
    ...group('nested-child', [u('carol')]), ...group('nested-parent', [g('nested-child')]),
    `dn: cn=posix-devs,${GROUPS_DN}`, 'objectClass: posixGroup', 'cn: posix-devs', 'gidNumber: 5000', 'memberUid: alice', '',
  ].join('\n');
}

function config(dir: string, adminPassword: string, anonymousRead: boolean): string {
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
    'modulepath /usr/lib/ldap', 'moduleload back_mdb',
    `pidfile ${dir}/slapd.pid`, `argsfile ${dir}/slapd.args`,
    `TLSCertificateFile ${dir}/tls.crt`, `TLSCertificateKeyFile ${dir}/tls.key`,
    'database mdb', 'maxsize 104857600', `suffix "${BASE_DN}"`, `rootdn "cn=admin,${BASE_DN}"`, `rootpw ${adminPassword}`,
    `directory ${dir}/db`, 'index objectClass eq', 'index uid,member,memberUid eq',
    'access to attrs=userPassword by self write by anonymous auth by * none',
    `access to * by dn.exact="cn=lookup,${BASE_DN}" read ${anonymousRead ? 'by * read' : 'by users read by * auth'}`,
    '',
  ].join('\n');
}

/** Running servers (pid → temp dir), killed and removed at exit if a test forgot stop(). */
const live = new Map<number, string>();
process.once('exit', () => {
  for (const [pid, dir] of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

async function waitReady(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.bind('', '');
      return true;
    } catch {
      await sleep(50);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  return false;
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-slapd-'));
  const adminDn = `cn=admin,${BASE_DN}`;
  const adminPassword = 'adminpass';
  const lookupPassword = 'lookuppass';
  let pid = 0;
  try {
    mkdirSync(join(dir, 'db'));
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', `subjectAltName=${options.subjectAltName ?? 'DNS:localhost,IP:127.0.0.1'}`,
      '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
    writeFileSync(join(dir, 'slapd.conf'), config(dir, adminPassword, options.anonymousRead ?? true));
    writeFileSync(join(dir, 'seed.ldif'), seed(lookupPassword));
    await run('/usr/sbin/slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'seed.ldif')]);
    let port = 0;
    let ldapsPort = 0;
    for (let attempt = 0; attempt < 3 && pid === 0; attempt++) {
      port = await freePort();
      ldapsPort = await freePort();
      // slapd daemonises; the pid file appears once it listens (a port race just fails the start)
      await run('/usr/sbin/slapd', ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${ldapsPort}/`]).catch(() => undefined);
      for (let i = 0; i < 100 && pid === 0; i++) {
        try {
          pid = Number(readFileSync(join(dir, 'slapd.pid'), 'utf8').trim());
        } catch {
          await sleep(50);
        }
      }
      if (pid !== 0) live.set(pid, dir);
      if (pid !== 0 && !(await waitReady(`ldap://127.0.0.1:${port}`))) {
        await kill(pid);
        pid = 0;
      }
      rmSync(join(dir, 'slapd.pid'), { force: true });
    }
    if (pid === 0) throw new Error('slapd did not start');
    return handle(dir, pid, port, ldapsPort, adminDn, adminPassword, lookupPassword);
  } catch (error) {
    if (pid !== 0) await kill(pid);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function kill(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  live.delete(pid);
}

function handle(dir: string, pid: number, port: number, ldapsPort: number, adminDn: string, adminPassword: string, lookupPassword: string): Slapd {
  const url = `ldap://127.0.0.1:${port}`;
  const userDn = (uid: string) => `uid=${dnValue(uid)},${PEOPLE_DN}`;
  const groupDn = (group: string) => `cn=${dnValue(group)},${GROUPS_DN}`;
  const admin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, connectTimeout: 5000, timeout: 5000 });
    try {
      await client.bind(adminDn, adminPassword);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  const members = async (c: Client, group: string): Promise<string[] | undefined> => {
    try {
      const { searchEntries } = await c.search(groupDn(group), { scope: 'base', attributes: ['member'] });
      const m = searchEntries[0]?.member;
      return m === undefined ? [] : (Array.isArray(m) ? m : [m]).map(String);
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw error;
    }
  };
  const addToGroup = (uid: string, group: string) => admin(async (c) => {
    const current = await members(c, group);
    if (current === undefined) {
      await c.add(groupDn(group), { objectClass: 'groupOfNames', cn: group, member: userDn(uid) });
    } else if (!current.includes(userDn(uid))) {
      const only = current.filter((m) => m !== PLACEHOLDER_MEMBER);
      await c.modify(groupDn(group), new Change({ operation: 'replace', modification: new Attribute({ type: 'member', values: [...only, userDn(uid)] }) }));
    }
  });
  const removeFromGroup = (uid: string, group: string) => admin(async (c) => {
    const current = await members(c, group);
    if (!current?.includes(userDn(uid))) return;
    const rest = current.filter((m) => m !== userDn(uid));
    // groupOfNames needs a member: keep a placeholder when the last one leaves
    await c.modify(groupDn(group), new Change({ operation: 'replace', modification: new Attribute({ type: 'member', values: rest.length > 0 ? rest : [PLACEHOLDER_MEMBER] }) }));
  });
  return {
    url, ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`, host: '127.0.0.1', port, ldapsPort,
    caPem: readFileSync(join(dir, 'tls.crt'), 'utf8'),
    adminDn, adminPassword, lookupDn: `cn=lookup,${BASE_DN}`, lookupPassword,
    baseDn: BASE_DN, peopleDn: PEOPLE_DN, groupsDn: GROUPS_DN, pid, userDn, groupDn,
    async addUser(uid, password, groups = []) {
      await admin((c) => c.add(userDn(uid), {
        objectClass: 'inetOrgPerson', uid, cn: uid, sn: 'Test', mail: `${uid.replace(/[^a-z0-9]/gi, '') || 'user'}@example.org`, userPassword: password,
      }));
      for (const group of groups) await addToGroup(uid, group);
    },
    async deleteUser(uid) {
      const groups = await admin(async (c) => (await c.search(GROUPS_DN, { scope: 'one', filter: `(member=${userDn(uid).replace(/[\\*()\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)})`, attributes: ['cn'] })).searchEntries.map((e) => String(e.cn)));
      for (const group of groups) await removeFromGroup(uid, group);
      await admin((c) => c.del(userDn(uid)));
    },
    addToGroup,
    removeFromGroup,
    async stop() {
      await kill(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Settings for the LDAP provider pointing at this slapd: StartTLS on the ldap:// port, the
 * lookup account, users under ou=people with (uid=%s), groups by (member=%d), mail copied into
 * claims, the server certificate as trust anchor. Override anything.
 */
export function slapdLdapSettings(slapd: Slapd, overrides: Partial<LdapSettings> = {}): LdapSettings {
  return Object.freeze({
    host: slapd.host,
    port: slapd.port,
    transport: 'starttls',
    tlsSkipVerify: false,
    lookupBindDn: slapd.lookupDn,
    lookupBindPassword: new Secret(slapd.lookupPassword),
    userDnSearchBaseDns: [slapd.peopleDn],
    userDnSearchFilter: '(&(objectClass=inetOrgPerson)(uid=%s))',
    userDnAttributes: ['mail'],
    groupSearchBaseDns: [slapd.groupsDn],
    groupSearchFilter: '(&(objectClass=groupOfNames)(member=%d))',
    caPems: [slapd.caPem],
    syncIntervalSeconds: 600,
    timeoutMs: 3000,
    ...overrides,
  });
}
