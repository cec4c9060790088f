/**
 * KMS settings: the static key (`name:base64`), KES endpoints and credentials, or a PKCS#11
 * token (library path, token label or slot, user PIN, default key) — one external KMS at
 * most, plus the static key when it is kept as the legacy key next to it. Validates everything
 * at start and fails closed; key material, PINs and credentials come out wrapped in Secret.
 * The result has the shape of kms/'s KmsSettings (config/ may not import kms/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Secret } from '../core/index.js';
import type { RawSettings } from './schema.js';
import { ConfigError, readSecretFile } from './secret-file.js';

const KEY_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;

export interface KmsConfig {
  readonly staticKey?: { readonly keyId: string; readonly key: Secret<Buffer> } | undefined;
  readonly kes?: {
    readonly endpoints: readonly string[];
    readonly defaultKeyId: string;
    readonly apiKey?: Secret<string> | undefined;
    readonly clientCert?: { readonly cert: string; readonly key: Secret<string>; readonly keyPassword?: Secret<string> | undefined } | undefined;
    readonly ca?: readonly string[] | undefined;
  } | undefined;
  readonly pkcs11?: {
    readonly modulePath: string;
    readonly tokenLabel?: string | undefined;
    readonly slot?: string | undefined;
    readonly pin: Secret<string>;
    readonly defaultKeyId: string;
  } | undefined;
  readonly staticKeyLegacy?: boolean | undefined;
}

/** `name:base64(32 bytes)`; the message never repeats the value. */
export function parseStaticKey(value: string): NonNullable<KmsConfig['staticKey']> {
  const at = value.indexOf(':');
  const keyId = value.slice(0, at);
  const encoded = value.slice(at + 1).trim();
  const key = Buffer.from(encoded, 'base64');
  if (at < 0 || !KEY_ID.test(keyId) || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== 32 || key.toString('base64') !== encoded) {
    throw new ConfigError('COFFER_KMS_SECRET_KEY: expected NAME:BASE64 with a name of A–Z, a–z, 0–9, "-", "_", "." and 32 bytes of key (head -c 32 /dev/urandom | base64)');
  }
  return Object.freeze({ keyId, key: new Secret(key) });
}

function readPem(path: string, envName: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${envName}: cannot read the file it names`);
  }
}

function caCertificates(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ConfigError('COFFER_KMS_KES_CAPATH: cannot read the path it names');
  }
  if (!isDir) return [readPem(path, 'COFFER_KMS_KES_CAPATH')];
  const files = readdirSync(path).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort();
  if (files.length === 0) throw new ConfigError('COFFER_KMS_KES_CAPATH: the folder holds no .pem/.crt/.cer file');
  return files.map((f) => readPem(join(path, f), 'COFFER_KMS_KES_CAPATH'));
}

function kesConfig(s: RawSettings, allowWorldReadable: boolean): KmsConfig['kes'] {
  const endpoints = (s.kmsKesEndpoint ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const anyKes = [s.kmsKesKeyName, s.kmsKesApiKey, s.kmsKesCertFile, s.kmsKesKeyFile, s.kmsKesCapath].some((v) => v !== undefined);
  if (endpoints.length === 0) {
    if (anyKes) throw new ConfigError('COFFER_KMS_KES_* settings are set but COFFER_KMS_KES_ENDPOINT is not');
    return undefined;
  }
  for (const endpoint of endpoints) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' || url.pathname !== '/' || url.username !== '' || url.password !== '') {
      throw new ConfigError(`COFFER_KMS_KES_ENDPOINT: '${endpoint}' is not an https://host:port URL`);
    }
  }
  if (!s.kmsKesKeyName || !KEY_ID.test(s.kmsKesKeyName)) throw new ConfigError('COFFER_KMS_KES_KEY_NAME: set it to the default key name (A–Z, a–z, 0–9, "-", "_", ".")');
  if ((s.kmsKesCertFile === undefined) !== (s.kmsKesKeyFile === undefined)) {
    throw new ConfigError('COFFER_KMS_KES_CERT_FILE and COFFER_KMS_KES_KEY_FILE must be set together');
  }
  if (s.kmsKesApiKey === undefined && s.kmsKesCertFile === undefined) {
    throw new ConfigError('KES needs credentials: COFFER_KMS_KES_API_KEY, or COFFER_KMS_KES_CERT_FILE and COFFER_KMS_KES_KEY_FILE');
  }
  const clientCert = s.kmsKesCertFile && s.kmsKesKeyFile
    ? Object.freeze({
        cert: readPem(s.kmsKesCertFile, 'COFFER_KMS_KES_CERT_FILE'),
        key: new Secret(readSecretFile(s.kmsKesKeyFile, 'COFFER_KMS_KES_KEY_FILE', allowWorldReadable)),
        keyPassword: s.kmsKesKeyPassword === undefined ? undefined : new Secret(s.kmsKesKeyPassword),
      })
    : undefined;
  return Object.freeze({
    endpoints: Object.freeze(endpoints),
    defaultKeyId: s.kmsKesKeyName,
    apiKey: s.kmsKesApiKey === undefined ? undefined : new Secret(s.kmsKesApiKey),
    clientCert,
    ca: s.kmsKesCapath === undefined ? undefined : Object.freeze(caCertificates(s.kmsKesCapath)),
  });
}

function pkcs11Config(s: RawSettings): KmsConfig['pkcs11'] {
  const path = s.kmsPkcs11Module;
  if (path === undefined) {
    if ([s.kmsPkcs11TokenLabel, s.kmsPkcs11Slot, s.kmsPkcs11Pin, s.kmsPkcs11KeyName].some((v) => v !== undefined)) {
      throw new ConfigError('COFFER_KMS_PKCS11_* settings are set but COFFER_KMS_PKCS11_MODULE is not');
    }
    return undefined;
  }
  let mode: number | undefined;
  try {
    const stat = statSync(path);
    mode = stat.isFile() ? stat.mode : undefined;
  } catch {
    mode = undefined;
  }
  if (!isAbsolute(path) || mode === undefined) throw new ConfigError(`COFFER_KMS_PKCS11_MODULE: '${path}' is not the absolute path of an existing PKCS#11 library file`);
  if ((mode & 0o002) !== 0) throw new ConfigError(`COFFER_KMS_PKCS11_MODULE: '${path}' is writable by every user; Coffer will not load code anyone can replace`);
  const { kmsPkcs11TokenLabel: tokenLabel, kmsPkcs11Slot: slot } = s;
  if ((tokenLabel === undefined) === (slot === undefined)) throw new ConfigError('PKCS#11: set exactly one of COFFER_KMS_PKCS11_TOKEN_LABEL and COFFER_KMS_PKCS11_SLOT');
  if (tokenLabel !== undefined && (tokenLabel.length > 32 || /^\s|\s$/.test(tokenLabel))) throw new ConfigError('COFFER_KMS_PKCS11_TOKEN_LABEL: a token label is 1–32 characters without leading or trailing spaces');
  if (slot !== undefined && (!/^\d{1,20}$/.test(slot) || BigInt(slot) > 0xffffffffffffffffn)) throw new ConfigError('COFFER_KMS_PKCS11_SLOT: expected a slot id (a non-negative integer)');
  if (s.kmsPkcs11Pin === undefined) throw new ConfigError('PKCS#11 needs the token\'s user PIN: COFFER_KMS_PKCS11_PIN or COFFER_KMS_PKCS11_PIN_FILE');
  if (!s.kmsPkcs11KeyName || !KEY_ID.test(s.kmsPkcs11KeyName)) throw new ConfigError('COFFER_KMS_PKCS11_KEY_NAME: set it to the default key name (A–Z, a–z, 0–9, "-", "_", ".")');
  return Object.freeze({ modulePath: path, tokenLabel, slot, pin: new Secret(s.kmsPkcs11Pin), defaultKeyId: s.kmsPkcs11KeyName });
}

export function kmsConfig(s: RawSettings, allowWorldReadable: boolean): { kms: KmsConfig | undefined; kmsAutoEncryption: boolean } {
  const staticKey = s.kmsSecretKey === undefined ? undefined : parseStaticKey(s.kmsSecretKey);
  const kes = kesConfig(s, allowWorldReadable);
  const pkcs11 = pkcs11Config(s);
  if (kes && pkcs11) throw new ConfigError('COFFER_KMS_KES_ENDPOINT and COFFER_KMS_PKCS11_MODULE are both set: choose one external KMS');
  const external = kes ? 'COFFER_KMS_KES_ENDPOINT' : 'COFFER_KMS_PKCS11_MODULE';
  if (s.kmsSecretKeyLegacy && !(staticKey && (kes || pkcs11))) {
    throw new ConfigError('COFFER_KMS_SECRET_KEY_LEGACY needs both COFFER_KMS_SECRET_KEY and an external KMS (COFFER_KMS_KES_ENDPOINT or COFFER_KMS_PKCS11_MODULE)');
  }
  if (staticKey && (kes || pkcs11) && !s.kmsSecretKeyLegacy) {
    throw new ConfigError(`COFFER_KMS_SECRET_KEY and ${external} are both set: choose one KMS, or set COFFER_KMS_SECRET_KEY_LEGACY=true to keep the static key next to the external KMS while moving to it`);
  }
  if (s.kmsAutoEncryption && !staticKey && !kes && !pkcs11) {
    throw new ConfigError('COFFER_KMS_AUTO_ENCRYPTION needs a KMS (COFFER_KMS_SECRET_KEY, COFFER_KMS_KES_ENDPOINT or COFFER_KMS_PKCS11_MODULE)');
  }
  const kms = staticKey || kes || pkcs11 ? Object.freeze({ staticKey, kes, pkcs11, staticKeyLegacy: s.kmsSecretKeyLegacy }) : undefined;
  return { kms, kmsAutoEncryption: s.kmsAutoEncryption };
}
