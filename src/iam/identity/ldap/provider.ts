/**
 * LDAP / Active Directory identity provider: the back end of AssumeRoleWithLDAPIdentity and of
 * the periodic check that federated users still exist.
 *
 * Protects: the directory's accounts (the caller proves a password) and the mapping from a
 * person to policies (by normalised user and group DN).
 * Flow (MinIO's): lookup bind (anonymous without a lookup DN) → search each user base DN with
 * the user filter, `%s` = RFC 4515-escaped username → exactly one entry, else 'invalid' → bind as
 * that DN with the password → lookup bind again → group search (`%s` username, `%d` user DN, both
 * escaped) → ExternalIdentity. Empty username or password is 'invalid' before any network call (an
 * empty password is an unauthenticated bind that "succeeds").
 * Invariants:
 *  - every input-dependent failure is IdentityError('invalid') with one message; unknown user,
 *    ambiguous match and wrong password do comparable work (a bind each) and are padded to one
 *    time floor (+ jitter), so neither the answer nor its timing tells them apart;
 *  - the throttle is consulted before the directory: a throttled attempt never reaches it;
 *  - directory, TLS and configuration faults are 'unavailable'; details go to the logger only,
 *    never a password; lookup() throws on an outage rather than report a user gone;
 *  - `name` and `ldap:username` come from the directory entry (the attribute the filter compares
 *    `%s` with), so "ALICE" and "alice" get the same policy variables.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FilterParser, InvalidCredentialsError, NoSuchObjectError, type Client, type Entry } from 'ldapts';
import { IdentityError, type ExternalIdentity } from '../types.js';
import { LoginThrottle, type ThrottleOptions } from '../throttle.js';
import { tlsOptions, withConnection } from './connection.js';
import { normaliseDn, isUnder } from './dn.js';
import { fillFilter, usernameAttribute, wildcardFilter } from './filter.js';
import type { LdapProviderSettings } from './settings.js';
import type { ConnectionOptions } from 'node:tls';

export interface LdapProviderDeps {
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Clock of the throttle window. */
  now?: () => Date;
  /** PEM trust anchors from the certificates directory's CAs/. */
  extraCa?: string[];
  throttle?: Omit<ThrottleOptions, 'now'>;
  /** Every 'invalid' answer takes at least this long from the call (default 250 ms, + 0–25 ms jitter). */
  invalidFloorMs?: number;
}

export type LdapLookup = { exists: false } | { exists: true; name: string; groups: string[] };

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const MAX_GROUPS = 1000;
const MAX_ATTR_VALUES = 16;
const MAX_ATTR_LENGTH = 1024;

class Invalid extends Error {}

function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const raw = key === undefined ? [] : entry[key];
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

export class LdapIdentityProvider {
  readonly #settings: LdapProviderSettings;
  readonly #logger: LdapProviderDeps['logger'];
  readonly #tls: ConnectionOptions;
  readonly #throttle: LoginThrottle;
  readonly #floorMs: number;
  readonly #nameAttribute: string | undefined;

  constructor(settings: LdapProviderSettings, deps: LdapProviderDeps) {
    this.#settings = settings;
    this.#logger = deps.logger;
    this.#tls = tlsOptions(settings, deps.extraCa ?? []);
    this.#throttle = new LoginThrottle({ ...deps.throttle, ...(deps.now ? { now: deps.now } : {}) });
    this.#floorMs = deps.invalidFloorMs ?? 250;
    this.#nameAttribute = usernameAttribute(settings.userDnSearchFilter);
    for (const [name, template] of [['USER_DN_SEARCH_FILTER', settings.userDnSearchFilter], ['GROUP_SEARCH_FILTER', settings.groupSearchFilter]] as const) {
      try {
        if (template !== undefined) FilterParser.parseString(fillFilter(template, { username: 'x', dn: 'cn=x' }));
      } catch {
        throw new Error(`COFFER_IDENTITY_LDAP_${name} is not a valid LDAP filter`);
      }
    }
    if (settings.transport === 'plain') this.#logger.warn({ host: settings.host }, 'LDAP without TLS (SERVER_INSECURE): passwords cross the network in clear text');
    else if (settings.tlsSkipVerify) this.#logger.warn({ host: settings.host }, 'LDAP TLS certificate verification is off (TLS_SKIP_VERIFY)');
  }

  async authenticate(username: string, password: string, source: string): Promise<ExternalIdentity> {
    const started = performance.now();
    const name = username.trim();
    if (!this.#throttle.allowed(name, source)) throw new IdentityError('throttled');
    try {
      const identity = await this.#verify(name, password);
      this.#throttle.succeeded(name);
      return identity;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error instanceof IdentityError ? error : this.#unavailable(error, 'authenticate');
      this.#throttle.failed(name, source);
      // Timers have millisecond resolution and may fire up to 1 ms early: wait until the floor has
      // really passed, so no refusal comes back faster than the floor.
      const until = started + this.#floorMs + randomInt(0, 26);
      for (let wait = until - performance.now(); wait > 0; wait = until - performance.now()) await sleep(Math.ceil(wait) + 1);
      throw new IdentityError('invalid');
    }
  }

  async lookup(dn: string): Promise<LdapLookup> {
    let normalised: string;
    try {
      normalised = normaliseDn(dn);
    } catch {
      return { exists: false };
    }
    if (normalised === '' || !this.#settings.userDnSearchBaseDns.some((base) => isUnder(normalised, base))) return { exists: false };
    try {
      return await withConnection(this.#settings, this.#tls, async (client) => {
        await this.#lookupBind(client);
        let entries: Entry[];
        try {
          ({ searchEntries: entries } = await client.search(normalised, {
            scope: 'base', filter: wildcardFilter(this.#settings.userDnSearchFilter), attributes: this.#attributes(), sizeLimit: 1,
          }));
        } catch (error) {
          if (error instanceof NoSuchObjectError) return { exists: false };
          throw error;
        }
        const entry = entries[0];
        if (entry === undefined) return { exists: false };
        const name = this.#username(entry) ?? /^[^=]+=([^,]*)/.exec(normalised)?.[1] ?? normalised;
        return { exists: true, name, groups: await this.#groups(client, name, entry.dn) };
      });
    } catch (error) {
      throw this.#unavailable(error, 'lookup');
    }
  }

  /** Lookup bind plus a read of the first user base DN (for the admin status page). */
  async check(): Promise<void> {
    try {
      await withConnection(this.#settings, this.#tls, async (client) => {
        await this.#lookupBind(client);
        await client.search(this.#settings.userDnSearchBaseDns[0] ?? '', { scope: 'base', attributes: ['1.1'], sizeLimit: 1 });
      });
    } catch (error) {
      throw this.#unavailable(error, 'check');
    }
  }

  async #verify(name: string, password: string): Promise<ExternalIdentity> {
    if (name === '' || password === '' || name.length > MAX_USERNAME || password.length > MAX_PASSWORD || name.includes('\0')) throw new Invalid();
    return withConnection(this.#settings, this.#tls, async (client) => {
      await this.#lookupBind(client);
      const entries: Entry[] = [];
      const filter = fillFilter(this.#settings.userDnSearchFilter, { username: name });
      for (const base of this.#settings.userDnSearchBaseDns) {
        const { searchEntries } = await client.search(base, { scope: 'sub', filter, attributes: this.#attributes(), sizeLimit: 2 });
        entries.push(...searchEntries);
      }
      const entry = entries.length === 1 ? entries[0] : undefined;
      try {
        // unknown or ambiguous users bind too (a DN that cannot exist, a random password): same work
        const dn = entry?.dn ?? `cn=coffer-no-such-user-${randomBytes(8).toString('hex')},${this.#settings.userDnSearchBaseDns[0]}`;
        await client.bind(dn, entry ? password : randomBytes(18).toString('base64'));
      } catch (error) {
        if (error instanceof InvalidCredentialsError) throw new Invalid();
        throw error;
      }
      if (!entry) throw new Invalid();
      await this.#lookupBind(client);
      const username = this.#username(entry) ?? name;
      const groups = await this.#groups(client, username, entry.dn);
      const subject = normaliseDn(entry.dn);
      const claims: Record<string, string[]> = { 'ldap:username': [username], 'ldap:user': [subject], 'ldap:groups': groups };
      for (const attribute of this.#settings.userDnAttributes) {
        const found = values(entry, attribute).slice(0, MAX_ATTR_VALUES).filter((v) => v.length <= MAX_ATTR_LENGTH);
        if (found.length > 0) claims[`ldap:${attribute.toLowerCase()}`] = found;
      }
      return { provider: 'ldap', subject, name: username, groups, policies: [], claims };
    });
  }

  #attributes(): string[] {
    const wanted = [...this.#settings.userDnAttributes, ...(this.#nameAttribute ? [this.#nameAttribute] : [])];
    return wanted.length > 0 ? wanted : ['1.1'];
  }

  /** The directory's spelling of the username: the single value of the attribute `%s` is compared with. */
  #username(entry: Entry): string | undefined {
    const found = this.#nameAttribute ? values(entry, this.#nameAttribute) : [];
    return found.length === 1 && found[0]!.length <= MAX_USERNAME ? found[0] : undefined;
  }

  async #lookupBind(client: Client): Promise<void> {
    const { lookupBindDn, lookupBindPassword } = this.#settings;
    if (lookupBindDn !== undefined && lookupBindPassword !== undefined) await client.bind(lookupBindDn, lookupBindPassword.reveal());
    else await client.bind('', '');
  }

  async #groups(client: Client, username: string, dn: string): Promise<string[]> {
    const template = this.#settings.groupSearchFilter;
    if (template === undefined) return [];
    const filter = fillFilter(template, { username, dn });
    const groups = new Set<string>();
    for (const base of this.#settings.groupSearchBaseDns) {
      const { searchEntries } = await client.search(base, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: MAX_GROUPS + 1 });
      for (const group of searchEntries) groups.add(normaliseDn(group.dn));
    }
    if (groups.size > MAX_GROUPS) throw new Error(`more than ${MAX_GROUPS} groups`);
    return [...groups].sort();
  }

  #unavailable(error: unknown, operation: string): IdentityError {
    if (error instanceof IdentityError) return error;
    const e = error instanceof Error ? error : new Error(String(error));
    this.#logger.error({ operation, host: this.#settings.host, port: this.#settings.port, error: e.name, code: (e as { code?: unknown }).code, detail: e.message.slice(0, 300) }, 'LDAP directory request failed');
    return new IdentityError('unavailable');
  }
}
