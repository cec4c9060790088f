/**
 * Loads the configuration once: flags override environment, environment overrides defaults.
 * Validates everything, then freezes the result. This folder is the only code that reads
 * process.env. Secrets come wrapped in Secret<T> so they cannot be logged by accident.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Secret } from '../core/index.js';
import { kmsConfig, type KmsConfig } from './kms.js';
import { ldapConfig, type LdapSettings } from './ldap.js';
import { openIdConfig, type OpenIdProviderSettings } from './openid.js';
import { identityTlsConfig, type IdentityTlsConfig } from './identity-tls.js';
import { tlsConfig, type TlsConfig } from './tls.js';
import { SETTINGS, type RawSettings, type SettingSpec } from './schema.js';
import { ConfigError, readSecretFile } from './secret-file.js';

export { ConfigError };

export interface ServerFlags {
  dataDir?: string;
  address?: string;
  allowInsecureHttp?: boolean;
  certsDir?: string;
  /** --auto-tls: create a private CA and server certificate when the certificates directory has none. */
  autoTls?: boolean;
}

export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly allowInsecureHttp: boolean;
  readonly rootCredentials: { readonly accessKey: string; readonly secretKey: Secret<string> } | undefined;
  readonly domains: readonly string[];
  readonly region: string;
  readonly logLevel: string;
  readonly orphanSweepIntervalMs: number;
  readonly multipartExpiryMs: number;
  readonly shutdownTimeoutMs: number;
  /** false: the root key and root-owned access keys are refused on every API. */
  readonly apiRootAccess: boolean;
  /** IPs/CIDRs whose forwarding headers are believed for aws:SourceIp. */
  readonly trustedProxies: readonly string[];
  readonly stsMaxDurationSeconds: number;
  /** Server processes (COFFER_WORKERS, resolved: 'auto'/0 became the CPU count); 1 = no cluster. */
  readonly workers: number;
  /** The KMS for SSE-S3/SSE-KMS (static key, KES, or KES with the legacy static key); undefined: none. */
  readonly kms: KmsConfig | undefined;
  /** COFFER_KMS_AUTO_ENCRYPTION: objects in buckets without a default encryption get SSE-S3. */
  readonly kmsAutoEncryption: boolean;
  /** Certificates directory; `enabled`: the API listener is HTTPS only. */
  readonly tls: TlsConfig;
  /** Single sign-on through STS: the LDAP directory (COFFER_IDENTITY_LDAP_*) and the OpenID providers (COFFER_IDENTITY_OPENID_*[_NAME]). */
  readonly identity: { readonly ldap: LdapSettings | undefined; readonly openid: readonly OpenIdProviderSettings[] };
  /** STS AssumeRoleWithCertificate (COFFER_IDENTITY_TLS_*): the listener requests client certificates, verified against `tls.cas`. */
  readonly identityTls: IdentityTlsConfig;
}


type Env = Record<string, string | undefined>;

function rawValue(spec: SettingSpec, env: Env, allowWorldReadable: boolean): string | undefined {
  for (const name of spec.env) {
    const direct = env[name];
    if (direct !== undefined && direct !== '') return direct;
    const file = spec.secret ? env[`${name}_FILE`] : undefined;
    if (file) return readSecretFile(file, `${name}_FILE`, allowWorldReadable);
  }
  return spec.default;
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(true|on|yes|1)$/i.test(value)) return true;
  if (/^(false|off|no|0)$/i.test(value)) return false;
  throw new ConfigError(`${name}: expected true or false, got '${value}'`);
}

function parseInteger(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new ConfigError(`${name}: expected a non-negative integer, got '${value}'`);
  return Number(value);
}

function readSettings(env: Env): RawSettings {
  const allowWorldReadable = parseBoolean('COFFER_ALLOW_WORLD_READABLE_SECRETS', env.COFFER_ALLOW_WORLD_READABLE_SECRETS ?? 'false');
  const out: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    const value = rawValue(spec, env, allowWorldReadable);
    const name = spec.env[0] ?? spec.key;
    if (value === undefined) out[spec.key] = undefined;
    else if (spec.type === 'boolean') out[spec.key] = parseBoolean(name, value);
    else if (spec.type === 'integer') out[spec.key] = parseInteger(name, value);
    else if (spec.type === 'list') out[spec.key] = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    else out[spec.key] = value;
  }
  return out as unknown as RawSettings;
}

export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  if (!match) throw new ConfigError(`address '${address}' is not HOST:PORT`);
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigError(`address '${address}': port out of range`);
  const host = match[1] ?? (match[2] || '0.0.0.0');
  return { host, port };
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function rootCredentials(settings: RawSettings): Config['rootCredentials'] {
  const { rootUser, rootPassword } = settings;
  if (rootUser === undefined && rootPassword === undefined) return undefined;
  if (rootUser === undefined || rootPassword === undefined) {
    throw new ConfigError('COFFER_ROOT_USER and COFFER_ROOT_PASSWORD must be set together');
  }
  if (rootUser.length < 3 || rootUser.length > 128 || /[\s:/]/.test(rootUser)) {
    throw new ConfigError('COFFER_ROOT_USER must be 3–128 characters without spaces, ":" or "/"');
  }
  if (rootPassword.length < 8) throw new ConfigError('COFFER_ROOT_PASSWORD must be at least 8 characters');
  if (rootPassword.length > 256) throw new ConfigError('COFFER_ROOT_PASSWORD must be at most 256 characters');
  return Object.freeze({ accessKey: rootUser, secretKey: new Secret(rootPassword) });
}

function trustedProxies(entries: readonly string[]): string[] {
  for (const entry of entries) {
    const [ip, bits, extra] = entry.split('/');
    const family = isIP(ip ?? '');
    const max = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !bitsOk || extra !== undefined) throw new ConfigError(`COFFER_TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR`);
  }
  return [...entries];
}

function stsMaxDuration(seconds: number): number {
  if (seconds < 900 || seconds > 365 * 24 * 3600) throw new ConfigError('COFFER_STS_MAX_DURATION must be between 900 and 31536000 seconds');
  return seconds;
}

export const MAX_WORKERS = 64;

/** COFFER_WORKERS: an integer 1–64, or 'auto' / 0 for one process per CPU. */
export function parseWorkers(value: string, cpus: () => number = availableParallelism): number {
  const text = value.trim().toLowerCase();
  if (text === 'auto' || text === '0') return Math.max(1, Math.min(MAX_WORKERS, cpus()));
  if (!/^\d{1,3}$/.test(text) || Number(text) > MAX_WORKERS) {
    throw new ConfigError(`COFFER_WORKERS: expected 'auto' or an integer from 0 to ${MAX_WORKERS}, got '${value}'`);
  }
  return Number(text);
}

export function loadConfig(flags: ServerFlags, env: Env): Config {
  const settings = readSettings(env);
  const allowWorldReadable = settings.allowWorldReadableSecrets;
  const { host, port } = parseAddress(flags.address ?? settings.address);
  const allowInsecureHttp = flags.allowInsecureHttp ?? settings.allowInsecureHttp;
  const dataDir = resolve(flags.dataDir ?? settings.dataDir);
  const certPassword = settings.certPassword === undefined ? undefined : new Secret(settings.certPassword);
  const tls = tlsConfig(flags.certsDir ?? settings.certsDir, dataDir, certPassword, flags.autoTls === true);
  if (!tls.enabled && !isLoopbackHost(host) && !allowInsecureHttp) {
    throw new ConfigError(
      `refusing plain HTTP on ${host}: it is not a loopback address. Put public.crt and private.key in ${tls.certsDir} ` +
        '(or pass --certs-dir) to serve HTTPS, or pass --allow-insecure-http (or COFFER_ALLOW_INSECURE_HTTP=true) if the network is trusted',
    );
  }
  if (!/^[a-z0-9-]{1,32}$/.test(settings.region)) throw new ConfigError(`region '${settings.region}' is not valid`);
  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!logLevels.includes(settings.logLevel)) throw new ConfigError(`log level '${settings.logLevel}' is not one of ${logLevels.join(', ')}`);
  return Object.freeze({
    dataDir,
    host,
    port,
    allowInsecureHttp,
    rootCredentials: rootCredentials(settings),
    domains: Object.freeze([...settings.domains]),
    region: settings.region,
    logLevel: settings.logLevel,
    orphanSweepIntervalMs: settings.orphanSweepIntervalSeconds * 1000,
    multipartExpiryMs: settings.multipartExpirySeconds * 1000,
    shutdownTimeoutMs: settings.shutdownTimeoutSeconds * 1000,
    apiRootAccess: settings.apiRootAccess,
    trustedProxies: Object.freeze(trustedProxies(settings.trustedProxies)),
    stsMaxDurationSeconds: stsMaxDuration(settings.stsMaxDurationSeconds),
    workers: parseWorkers(settings.workers),
    ...kmsConfig(settings, allowWorldReadable),
    tls,
    identity: Object.freeze({ ldap: ldapConfig(env), openid: openIdConfig(env) }),
    identityTls: identityTlsConfig(settings.identityTlsEnable, settings.identityTlsSkipVerify, tls),
  });
}

/** The process entry point's door to the environment. */
export function loadConfigFromProcess(flags: ServerFlags): Config {
  return loadConfig(flags, process.env);
}
