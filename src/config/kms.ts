/**
 * KMS settings: the static key (`name:base64`), KES endpoints and credentials, or both when
 * the static key is kept as the legacy key next to KES. Validates everything at start and
 * fails closed; key material and credentials come out wrapped in Secret.
 * The result has the shape of kms/'s KmsSettings (config/ may not import kms/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

export function kmsConfig(s: RawSettings, allowWorldReadable: boolean): { kms: KmsConfig | undefined; kmsAutoEncryption: boolean } {
  const staticKey = s.kmsSecretKey === undefined ? undefined : parseStaticKey(s.kmsSecretKey);
  const kes = kesConfig(s, allowWorldReadable);
  if (s.kmsSecretKeyLegacy && !(staticKey && kes)) {
    throw new ConfigError('COFFER_KMS_SECRET_KEY_LEGACY needs both COFFER_KMS_SECRET_KEY and COFFER_KMS_KES_ENDPOINT');
  }
  if (staticKey && kes && !s.kmsSecretKeyLegacy) {
    throw new ConfigError('COFFER_KMS_SECRET_KEY and COFFER_KMS_KES_ENDPOINT are both set: choose one KMS, or set COFFER_KMS_SECRET_KEY_LEGACY=true to keep the static key next to KES while moving to it');
  }
  if (s.kmsAutoEncryption && !staticKey && !kes) throw new ConfigError('COFFER_KMS_AUTO_ENCRYPTION needs a KMS (COFFER_KMS_SECRET_KEY or COFFER_KMS_KES_ENDPOINT)');
  const kms = staticKey || kes ? Object.freeze({ staticKey, kes, staticKeyLegacy: s.kmsSecretKeyLegacy }) : undefined;
  return { kms, kmsAutoEncryption: s.kmsAutoEncryption };
}
