/**
 * The certificates directory (MinIO's layout): `public.crt` + `private.key` for the default
 * certificate, one sub-folder per extra domain for SNI, `CAs/` for outbound trust anchors.
 * Config only decides where the folder is, whether the listener is HTTPS (the default pair
 * exists) and reads the CA list once; the listener (api/http/tls) loads and reloads the
 * certificates themselves, so a renewal needs no restart.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Secret } from '../core/index.js';
import { ConfigError } from './secret-file.js';

export interface TlsConfig {
  /** Absolute path of the certificates directory. */
  readonly certsDir: string;
  /** true when `<certsDir>/public.crt` and `private.key` exist (or --auto-tls): the API listener speaks HTTPS only. */
  readonly enabled: boolean;
  /** --auto-tls: create a private CA and server certificate at start when the pair is missing. */
  readonly autoTls: boolean;
  /** COFFER_CERT_PASSWD: password of encrypted private keys. */
  readonly keyPassword: Secret<string> | undefined;
  /** PEM certificates from `<certsDir>/CAs/`: trust anchors for outbound TLS (KES, LDAP, OpenID providers) and the client CAs of mutual TLS. */
  readonly cas: readonly string[];
}

export const DEFAULT_CERTS_SUBDIR = join('.coffer', 'certs');

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readCas(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    names = readdirSync(dir).filter((n) => !n.startsWith('..') && /\.(pem|crt|cer)$/i.test(n)).sort();
  } catch {
    return [];
  }
  return names.filter((n) => isFile(join(dir, n))).map((n) => {
    try {
      return readFileSync(join(dir, n), 'utf8');
    } catch {
      throw new ConfigError(`certificates directory: cannot read CAs/${n}`);
    }
  });
}

export function tlsConfig(certsDir: string | undefined, dataDir: string, keyPassword: Secret<string> | undefined, autoTls = false): TlsConfig {
  const dir = resolve(certsDir ?? join(dataDir, DEFAULT_CERTS_SUBDIR));
  const crt = isFile(join(dir, 'public.crt'));
  const key = isFile(join(dir, 'private.key'));
  if (crt !== key) throw new ConfigError(`certificates directory ${dir}: public.crt and private.key must be present together`);
  if (autoTls && keyPassword !== undefined && !crt) throw new ConfigError('--auto-tls creates an unencrypted key; unset COFFER_CERT_PASSWD');
  return Object.freeze({ certsDir: dir, enabled: crt || autoTls, autoTls, keyPassword, cas: Object.freeze(readCas(join(dir, 'CAs'))) });
}
