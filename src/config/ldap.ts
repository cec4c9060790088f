/**
 * LDAP / Active Directory settings for AssumeRoleWithLDAPIdentity, from COFFER_IDENTITY_LDAP_*
 * with the MINIO_IDENTITY_LDAP_* names as aliases (the COFFER name wins). Validates everything at
 * start and fails closed with a ConfigError naming the variable; the lookup password comes out
 * wrapped in Secret and is never repeated in a message. The result has the shape of
 * iam/identity/ldap's LdapProviderSettings (config/ may not import iam/).
 *
 * Transport: ldaps (the default, port 636), StartTLS (SERVER_STARTTLS, port 389) or plain LDAP
 * only with SERVER_INSECURE. Certificate checks stay on unless TLS_SKIP_VERIFY.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../core/index.js';
import { ConfigError, readSecretFile } from './secret-file.js';

export interface LdapSettings {
  readonly host: string;
  readonly port: number;
  readonly transport: 'ldaps' | 'starttls' | 'plain';
  readonly tlsSkipVerify: boolean;
  /** Undefined: anonymous lookups. */
  readonly lookupBindDn: string | undefined;
  readonly lookupBindPassword: Secret<string> | undefined;
  readonly userDnSearchBaseDns: readonly string[];
  /** Contains %s (the username, RFC 4515-escaped when substituted). */
  readonly userDnSearchFilter: string;
  readonly userDnAttributes: readonly string[];
  readonly groupSearchBaseDns: readonly string[];
  /** %s username, %d user DN; undefined: no group lookup. */
  readonly groupSearchFilter: string | undefined;
  /** PEM trust anchors from COFFER_IDENTITY_LDAP_CA_FILE (added to the system CAs). */
  readonly caPems: readonly string[];
  readonly syncIntervalSeconds: number;
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;
const MAX_CA_BYTES = 1 << 20;
const LEGACY = ['USERNAME_FORMAT', 'USERNAME_SEARCH_FILTER', 'USERNAME_SEARCH_BASE_DN', 'GROUP_NAME_ATTRIBUTE', 'SRV_RECORD_NAME'];

function reader(env: Env) {
  const get = (suffix: string): { name: string; value: string } | undefined => {
    for (const prefix of ['COFFER_IDENTITY_LDAP_', 'MINIO_IDENTITY_LDAP_']) {
      const value = env[prefix + suffix];
      if (value !== undefined && value.trim() !== '') return { name: prefix + suffix, value: value.trim() };
    }
    return undefined;
  };
  const flag = (suffix: string): boolean => {
    const v = get(suffix);
    if (v === undefined) return false;
    if (/^(true|on|yes|1)$/i.test(v.value)) return true;
    if (/^(false|off|no|0)$/i.test(v.value)) return false;
    throw new ConfigError(`${v.name}: expected on or off`);
  };
  /** COFFER-only settings (no MINIO_ alias). */
  const int = (suffix: string, fallback: number, min: number, max: number): number => {
    const name = `COFFER_IDENTITY_LDAP_${suffix}`;
    const raw = env[name]?.trim();
    const v = raw ? { name, value: raw } : undefined;
    if (v === undefined) return fallback;
    const n = /^\d{1,9}$/.test(v.value) ? Number(v.value) : NaN;
    if (!(n >= min && n <= max)) throw new ConfigError(`${v.name}: expected a whole number from ${min} to ${max}`);
    return n;
  };
  return { get, flag, int };
}

/** Balanced, parenthesised, no raw NUL: the provider parses it again with the LDAP library. */
function checkFilter(name: string, filter: string, needs: RegExp, what: string): void {
  let depth = 0;
  let closedAtEnd = true;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '(') depth++;
    else if (filter[i] === ')' && --depth === 0 && i !== filter.length - 1) closedAtEnd = false;
    if (depth < 0) break;
  }
  if (!filter.startsWith('(') || depth !== 0 || !closedAtEnd || filter.includes('\0') || filter.length > 4096) {
    throw new ConfigError(`${name}: not an LDAP search filter (expected one parenthesised expression such as (uid=%s))`);
  }
  if (!needs.test(filter)) throw new ConfigError(`${name}: the filter must contain ${what}`);
}

function checkDn(name: string, dn: string): void {
  if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)\s*=/.test(dn) || dn.length > 1024 || dn.includes('\0')) throw new ConfigError(`${name}: '${dn}' is not a DN`);
}

function dnList(name: string, value: string): string[] {
  const dns = value.split(';').map((d) => d.trim()).filter(Boolean);
  for (const dn of dns) checkDn(name, dn);
  if (dns.length === 0) throw new ConfigError(`${name}: no DN given`);
  return dns;
}

function parseAddr(name: string, value: string, starttls: boolean, insecure: boolean): Pick<LdapSettings, 'host' | 'port' | 'transport'> {
  const m = /^(?:(ldaps?):\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(value);
  const port = m?.[3] === undefined ? undefined : Number(m[3]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) throw new ConfigError(`${name}: expected host[:port] (or ldaps://host[:port])`);
  const scheme = m[1];
  if (starttls && insecure) throw new ConfigError(`${name}: SERVER_STARTTLS and SERVER_INSECURE cannot both be on`);
  if (scheme === 'ldaps' && (starttls || insecure)) throw new ConfigError(`${name}: ldaps:// cannot be combined with SERVER_STARTTLS or SERVER_INSECURE`);
  if (scheme === 'ldap' && !starttls && !insecure) throw new ConfigError(`${name}: ldap:// needs SERVER_STARTTLS=on (or SERVER_INSECURE=on for plain LDAP)`);
  const transport = starttls ? 'starttls' : insecure ? 'plain' : 'ldaps';
  return { host: m[2]!.replace(/^\[|\]$/g, ''), port: port ?? (transport === 'ldaps' ? 636 : 389), transport };
}

function caPems(name: string, path: string, readFileText: (path: string) => string): string[] {
  let files = [path];
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // not there: reading it below fails with the message
  }
  if (isDir) {
    try {
      files = readdirSync(path).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort().map((f) => join(path, f));
    } catch {
      throw new ConfigError(`${name}: cannot read the folder it names`);
    }
  }
  if (files.length === 0) throw new ConfigError(`${name}: the folder holds no .pem/.crt/.cer file`);
  return files.map((file) => {
    let text: string;
    try {
      text = readFileText(file);
    } catch {
      throw new ConfigError(`${name}: cannot read ${file}`);
    }
    if (text.length > MAX_CA_BYTES || !text.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`${name}: ${file} holds no PEM certificate`);
    return text;
  });
}

/** The LDAP settings, or undefined when LDAP is not configured (no SERVER_ADDR, or ENABLE=off). */
export function ldapConfig(env: Env, readFileText: (path: string) => string = (p) => readFileSync(p, 'utf8')): LdapSettings | undefined {
  const { get, flag, int } = reader(env);
  for (const legacy of LEGACY) {
    const v = get(legacy);
    if (v) throw new ConfigError(`${v.name}: not supported; use USER_DN_SEARCH_BASE_DN, USER_DN_SEARCH_FILTER and GROUP_SEARCH_FILTER`);
  }
  const addr = get('SERVER_ADDR');
  const enable = get('ENABLE');
  if (enable && !flag('ENABLE')) return undefined;
  if (!addr) {
    const stray = ['LOOKUP_BIND_DN', 'USER_DN_SEARCH_BASE_DN', 'USER_DN_SEARCH_FILTER', 'GROUP_SEARCH_FILTER'].map(get).find(Boolean);
    if (stray || enable) throw new ConfigError(`${stray?.name ?? enable?.name}: LDAP settings need COFFER_IDENTITY_LDAP_SERVER_ADDR`);
    return undefined;
  }
  const server = parseAddr(addr.name, addr.value, flag('SERVER_STARTTLS'), flag('SERVER_INSECURE'));

  const lookupBindDn = get('LOOKUP_BIND_DN');
  if (lookupBindDn) checkDn(lookupBindDn.name, lookupBindDn.value);
  let password = get('LOOKUP_BIND_PASSWORD')?.value;
  const passwordFile = get('LOOKUP_BIND_PASSWORD_FILE');
  if (password === undefined && passwordFile) {
    const allowWorldReadable = /^(true|on|yes|1)$/i.test(env.COFFER_ALLOW_WORLD_READABLE_SECRETS ?? '');
    password = readSecretFile(passwordFile.value, passwordFile.name, allowWorldReadable);
  }
  if (lookupBindDn && !password) throw new ConfigError(`${lookupBindDn.name}: set COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD (or _FILE) too`);
  if (!lookupBindDn && password !== undefined) throw new ConfigError('COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: set COFFER_IDENTITY_LDAP_LOOKUP_BIND_DN too');

  const base = get('USER_DN_SEARCH_BASE_DN');
  if (!base) throw new ConfigError('COFFER_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: required (the DNs under which users are searched, ;-separated)');
  const filter = get('USER_DN_SEARCH_FILTER');
  if (!filter) throw new ConfigError('COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: required, e.g. (uid=%s)');
  checkFilter(filter.name, filter.value, /%s/, '%s (the username)');

  const attrs = get('USER_DN_ATTRIBUTES');
  const userDnAttributes = attrs ? attrs.value.split(',').map((a) => a.trim()).filter(Boolean) : [];
  for (const a of userDnAttributes) if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(a)) throw new ConfigError(`${attrs!.name}: '${a}' is not an attribute name`);

  const groupBase = get('GROUP_SEARCH_BASE_DN');
  const groupFilter = get('GROUP_SEARCH_FILTER');
  if (!groupBase !== !groupFilter) throw new ConfigError('COFFER_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN and COFFER_IDENTITY_LDAP_GROUP_SEARCH_FILTER must be set together');
  if (groupFilter) checkFilter(groupFilter.name, groupFilter.value, /%[sd]/, '%s (username) or %d (user DN)');

  const ca = env.COFFER_IDENTITY_LDAP_CA_FILE?.trim();
  return Object.freeze({
    ...server,
    tlsSkipVerify: flag('TLS_SKIP_VERIFY'),
    lookupBindDn: lookupBindDn?.value,
    lookupBindPassword: lookupBindDn && password !== undefined ? new Secret(password) : undefined,
    userDnSearchBaseDns: Object.freeze(dnList(base.name, base.value)),
    userDnSearchFilter: filter.value,
    userDnAttributes: Object.freeze(userDnAttributes),
    groupSearchBaseDns: Object.freeze(groupBase ? dnList(groupBase.name, groupBase.value) : []),
    groupSearchFilter: groupFilter?.value,
    caPems: Object.freeze(ca ? caPems('COFFER_IDENTITY_LDAP_CA_FILE', ca, readFileText) : []),
    syncIntervalSeconds: int('SYNC_INTERVAL', 600, 10, 86_400),
    timeoutMs: int('TIMEOUT', 5000, 100, 120_000),
  });
}
