/**
 * OpenID Connect provider settings from COFFER_IDENTITY_OPENID_* (and MINIO_IDENTITY_OPENID_*;
 * the COFFER name wins). `<VAR>_<NAME>` configures an extra provider named `<name>` (lower-cased);
 * the unsuffixed variables configure the provider named '_'.
 *
 * Protects: which token issuers Coffer believes. Fails closed: a provider with some settings
 * but no CONFIG_URL, a plain-http discovery URL to a non-loopback host (unless
 * COFFER_IDENTITY_OPENID_ALLOW_INSECURE=on), `alg: none`, HS* without a client secret, a
 * ROLE_POLICY next to a non-default CLAIM_NAME, two claim-based providers or a client id used
 * twice are all ConfigErrors naming the variable. The client secret is a Secret and is never
 * quoted. Role-policy providers get MinIO's role ARN, arn:minio:iam:::role/<b64url(sha1(id))>,
 * so existing client configurations keep working. The result has the shape of
 * iam/identity/oidc's OpenIdProviderSettings (config/ may not import iam/).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { Secret } from '../core/index.js';
import { ConfigError, readSecretFile } from './secret-file.js';

export interface OpenIdProviderSettings {
  /** '_' for the unsuffixed variables, else the suffix lower-cased. */
  readonly name: string;
  readonly configUrl: string;
  readonly clientId: string;
  readonly clientSecret?: Secret<string> | undefined;
  /** Claim holding policy names (claim-based providers); 'policy' by default. */
  readonly claimName: string;
  /** Set for role-policy providers: the policies every login through this provider gets. */
  readonly rolePolicy?: readonly string[] | undefined;
  /** arn:minio:iam:::role/<id>, for role-policy providers only. */
  readonly roleArn?: string | undefined;
  /** Scopes the console asks for; empty: the discovery document's. */
  readonly scopes: readonly string[];
  readonly displayName?: string | undefined;
  /** JWS algorithms accepted for this provider's tokens. */
  readonly algorithms: readonly string[];
  /** Extra PEM trust anchors for this provider's HTTPS (CA_FILE). */
  readonly ca?: readonly string[] | undefined;
  /** Upper bound on sessions from this provider, in seconds. */
  readonly maxSessionSeconds?: number | undefined;
  /** COFFER_IDENTITY_OPENID_ALLOW_INSECURE: plain http to non-loopback hosts is allowed. */
  readonly allowInsecureHttp: boolean;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_OPENID_ALGORITHMS = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);
const KNOWN_ALGORITHMS = new Set([...DEFAULT_OPENID_ALGORITHMS, 'EdDSA', 'HS256', 'HS384', 'HS512']);
// Longest first, so CLIENT_SECRET_FILE is not read as CLIENT_SECRET of a provider named "file".
const KEYS = ['CLIENT_SECRET_FILE', 'CLIENT_SECRET', 'CLIENT_ID', 'CONFIG_URL', 'CLAIM_NAME', 'CLAIM_USERINFO', 'ROLE_POLICY',
  'SCOPES', 'DISPLAY_NAME', 'ALGORITHMS', 'CA_FILE', 'MAX_SESSION', 'ENABLE'] as const;
type Key = (typeof KEYS)[number];
const COFFER_ONLY = new Set<Key>(['ALGORITHMS', 'CA_FILE', 'MAX_SESSION', 'CLIENT_SECRET_FILE']);
const VARIABLE = new RegExp(`^(COFFER|MINIO)_IDENTITY_OPENID_(${KEYS.join('|')})(?:_([A-Za-z0-9][A-Za-z0-9_]{0,31}))?$`);

/** One provider's raw values: key → [variable name, value]. */
type Raw = Map<Key, { variable: string; value: string; coffer: boolean }>;

function collect(env: Env): Map<string, Raw> {
  const providers = new Map<string, Raw>();
  for (const [variable, value] of Object.entries(env)) {
    const match = VARIABLE.exec(variable);
    if (!match || value === undefined || value === '') continue;
    const coffer = match[1] === 'COFFER';
    const key = match[2] as Key;
    if (!coffer && COFFER_ONLY.has(key)) continue;
    const name = match[3] === undefined ? '_' : match[3].toLowerCase();
    const raw = providers.get(name) ?? new Map();
    providers.set(name, raw);
    const previous = raw.get(key);
    if (previous && previous.coffer === coffer) throw new ConfigError(`${variable} and ${previous.variable} name the same setting; keep one`);
    if (!previous || coffer) raw.set(key, { variable, value, coffer });
  }
  return providers;
}

function parseOnOff(variable: string, value: string): boolean {
  if (/^(on|true|yes|1)$/i.test(value)) return true;
  if (/^(off|false|no|0)$/i.test(value)) return false;
  throw new ConfigError(`${variable}: expected on or off`);
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

function checkUrl(variable: string, value: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable}: not a URL`);
  }
  if (url.username !== '' || url.password !== '') throw new ConfigError(`${variable}: the URL must not carry credentials`);
  if (url.protocol === 'https:') return url.href;
  if (url.protocol !== 'http:') throw new ConfigError(`${variable}: expected an https:// URL`);
  if (!isLoopback(url.hostname) && !allowInsecure) {
    throw new ConfigError(`${variable}: plain http is allowed only to a loopback host; use https:// (or set COFFER_IDENTITY_OPENID_ALLOW_INSECURE=on on a trusted network)`);
  }
  return url.href;
}

function list(variable: string, value: string, allowEmptyElements: boolean): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (!allowEmptyElements && items.some((s) => s === '')) throw new ConfigError(`${variable}: empty element in the list`);
  const kept = items.filter(Boolean);
  if (kept.length === 0) throw new ConfigError(`${variable}: the list is empty`);
  if (kept.some((s) => s.length > 256 || /\s/.test(s))) throw new ConfigError(`${variable}: elements must be at most 256 characters without spaces`);
  return kept;
}

function caCertificates(variable: string, path: string): string[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort().map((f) => join(path, f))
      : [path];
  } catch {
    throw new ConfigError(`${variable}: cannot read the path it names`);
  }
  const pems = files.map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(`${variable}: cannot read ${file}`);
    }
  });
  if (pems.length === 0 || pems.some((pem) => !pem.includes('-----BEGIN CERTIFICATE-----'))) {
    throw new ConfigError(`${variable}: expected PEM certificates (a file, or a folder of .pem/.crt/.cer files)`);
  }
  return pems;
}

/** MinIO's role ARN for a role-policy provider: arn:minio:iam:::role/<base64url(sha1(client id))>. */
export function openIdRoleArn(clientId: string): string {
  return `arn:minio:iam:::role/${createHash('sha1').update(clientId).digest('base64url')}`;
}

function provider(name: string, raw: Raw, allowInsecure: boolean, allowWorldReadable: boolean): OpenIdProviderSettings | undefined {
  const get = (key: Key): { variable: string; value: string } | undefined => raw.get(key);
  const label = (key: Key): string => get(key)?.variable ?? `COFFER_IDENTITY_OPENID_${key}${name === '_' ? '' : `_${name.toUpperCase()}`}`;
  const enable = get('ENABLE');
  if (enable && !parseOnOff(enable.variable, enable.value)) return undefined;
  const configUrl = get('CONFIG_URL');
  if (!configUrl) throw new ConfigError(`${label('CONFIG_URL')}: required for the OpenID provider '${name}'`);
  const clientId = get('CLIENT_ID');
  if (!clientId) throw new ConfigError(`${label('CLIENT_ID')}: required for the OpenID provider '${name}'`);
  if (clientId.value.length > 512 || /\s/.test(clientId.value)) throw new ConfigError(`${clientId.variable}: not a valid client id`);
  const secretValue = get('CLIENT_SECRET');
  const secretFile = get('CLIENT_SECRET_FILE');
  if (secretValue && secretFile) throw new ConfigError(`${secretValue.variable} and ${secretFile.variable}: set one of them`);
  const secret = secretFile ? readSecretFile(secretFile.value, secretFile.variable, allowWorldReadable) : secretValue?.value;
  const claim = get('CLAIM_NAME');
  const claimName = claim?.value.trim() ?? 'policy';
  if (!/^[A-Za-z0-9_:./-]{1,128}$/.test(claimName)) throw new ConfigError(`${label('CLAIM_NAME')}: not a valid claim name`);
  const role = get('ROLE_POLICY');
  if (role && claimName !== 'policy') throw new ConfigError(`${role.variable} and ${label('CLAIM_NAME')}: set one of them (a role policy or a policy claim)`);
  const rolePolicy = role ? Object.freeze(list(role.variable, role.value, true)) : undefined;
  const scopes = get('SCOPES');
  const userinfo = get('CLAIM_USERINFO');
  if (userinfo && parseOnOff(userinfo.variable, userinfo.value)) throw new ConfigError(`${userinfo.variable}: fetching claims from userinfo is not supported yet; set it off`);
  const algs = get('ALGORITHMS');
  const algorithms = algs ? list(algs.variable, algs.value, false) : [...DEFAULT_OPENID_ALGORITHMS];
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none') throw new ConfigError(`${label('ALGORITHMS')}: 'none' is never accepted`);
    if (!KNOWN_ALGORITHMS.has(alg)) throw new ConfigError(`${label('ALGORITHMS')}: unknown algorithm '${alg}'`);
    if (alg.startsWith('HS') && !secret) throw new ConfigError(`${label('ALGORITHMS')}: ${alg} needs a client secret (${label('CLIENT_SECRET')})`);
  }
  const caFile = get('CA_FILE');
  const maxSession = get('MAX_SESSION');
  let maxSessionSeconds: number | undefined;
  if (maxSession) {
    maxSessionSeconds = /^\d{1,9}$/.test(maxSession.value) ? Number(maxSession.value) : NaN;
    if (!(maxSessionSeconds >= 900 && maxSessionSeconds <= 31_536_000)) throw new ConfigError(`${maxSession.variable}: expected seconds between 900 and 31536000`);
  }
  const displayName = get('DISPLAY_NAME');
  if (displayName && displayName.value.length > 256) throw new ConfigError(`${displayName.variable}: at most 256 characters`);
  return Object.freeze({
    name,
    configUrl: checkUrl(configUrl.variable, configUrl.value, allowInsecure),
    clientId: clientId.value,
    clientSecret: secret ? new Secret(secret) : undefined,
    claimName,
    rolePolicy,
    roleArn: rolePolicy ? openIdRoleArn(clientId.value) : undefined,
    scopes: Object.freeze(scopes ? list(scopes.variable, scopes.value, false) : []),
    displayName: displayName?.value,
    algorithms: Object.freeze(algorithms),
    ca: caFile ? Object.freeze(caCertificates(caFile.variable, caFile.value)) : undefined,
    maxSessionSeconds,
    allowInsecureHttp: allowInsecure,
  });
}

/** Every enabled OpenID provider, the unsuffixed one first, then by name. */
export function openIdConfig(env: Env): readonly OpenIdProviderSettings[] {
  const insecure = env.COFFER_IDENTITY_OPENID_ALLOW_INSECURE;
  const allowInsecure = insecure ? parseOnOff('COFFER_IDENTITY_OPENID_ALLOW_INSECURE', insecure) : false;
  const worldReadable = env.COFFER_ALLOW_WORLD_READABLE_SECRETS;
  const allowWorldReadable = worldReadable ? parseOnOff('COFFER_ALLOW_WORLD_READABLE_SECRETS', worldReadable) : false;
  const names = [...collect(env).entries()].sort(([a], [b]) => (a === '_' ? -1 : b === '_' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const out: OpenIdProviderSettings[] = [];
  for (const [name, raw] of names) {
    const settings = provider(name, raw, allowInsecure, allowWorldReadable);
    if (settings) out.push(settings);
  }
  const ids = new Map<string, string>();
  for (const p of out) {
    const other = ids.get(p.clientId);
    if (other !== undefined) throw new ConfigError(`OpenID providers '${other}' and '${p.name}' use the same client id; client ids must be unique`);
    ids.set(p.clientId, p.name);
  }
  const claimBased = out.filter((p) => !p.rolePolicy);
  if (claimBased.length > 1) {
    throw new ConfigError(`OpenID providers ${claimBased.map((p) => `'${p.name}'`).join(' and ')} both take policies from a claim; at most one may (give the others a ROLE_POLICY)`);
  }
  return Object.freeze(out);
}
