/**
 * Client certificates for mutual-TLS tests, made with Debian's `openssl ca` (which, unlike
 * `req -x509` in OpenSSL 3.0, sets exact NotBefore / NotAfter): a CA, chains of intermediate
 * CAs, and leaves with a chosen CN, extended key usage and validity period.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pair } from './tls-material.js';

export interface ClientCa extends Pair {
  /** PEM of the intermediates between this CA and the root, nearest first (empty for a root). */
  chain: string;
}

export interface LeafOptions {
  /** The `-subj` value, e.g. `/CN=app1` or `/O=no-cn`. */
  subject: string;
  /** extendedKeyUsage value, e.g. 'clientAuth', 'serverAuth'; undefined: no EKU extension. */
  eku?: string | undefined;
  notBefore?: Date;
  notAfter?: Date;
}

export interface ClientLeaf extends Pair {
  /** The leaf followed by its intermediates: what a client presents as `cert`. */
  fullChain: string;
}

const openssl = (args: string[], cwd: string): void => void execFileSync('openssl', args, { cwd, stdio: 'ignore' });
const asn1 = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const CONFIG = `[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[any]
commonName = optional
organizationName = optional
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
[inter]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
`;

/** Runs `openssl ca` with `issuer` over a fresh CSR for `subject`; returns the new pair. */
function sign(issuer: Pair | undefined, subject: string, section: string, eku: string | undefined, from: Date, to: Date): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-test-mtls-'));
  try {
    const extra = eku === undefined ? '' : `extendedKeyUsage = ${eku}\n`;
    writeFileSync(join(dir, 'ca.cnf'), CONFIG.replace(`[${section}]\n`, `[${section}]\n${extra}`));
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), `${randomBytes(8).toString('hex')}\n`);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', subject, '-keyout', 'new.key', '-out', 'new.csr'], dir);
    const signer = issuer === undefined ? ['-selfsign', '-keyfile', 'new.key'] : ['-cert', 'issuer.crt', '-keyfile', 'issuer.key'];
    if (issuer) {
      writeFileSync(join(dir, 'issuer.crt'), issuer.cert);
      writeFileSync(join(dir, 'issuer.key'), issuer.key, { mode: 0o600 });
    }
    openssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', ...signer, '-in', 'new.csr', '-out', 'new.crt',
      '-startdate', asn1(from), '-enddate', asn1(to), '-extfile', 'ca.cnf', '-extensions', section], dir);
    return { cert: readFileSync(join(dir, 'new.crt'), 'utf8'), key: readFileSync(join(dir, 'new.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hours = (n: number): Date => new Date(Date.now() + n * 3600_000);

/** A self-signed root CA valid from an hour ago for two days. */
export function makeClientCa(name: string): ClientCa {
  return { ...sign(undefined, `/CN=${name}`, 'inter', undefined, hours(-1), hours(48)), chain: '' };
}

/** `count` intermediate CAs below `root`; returns the last one, with the chain below the root. */
export function intermediateChain(root: ClientCa, count: number): ClientCa {
  let current = root;
  for (let i = 1; i <= count; i += 1) {
    const next = sign(current, `/CN=intermediate-${i}`, 'inter', undefined, hours(-1), hours(48));
    current = { ...next, chain: next.cert + current.chain };
  }
  return current;
}

/** A leaf issued by `ca` (valid from an hour ago for a day unless told otherwise). */
export function issueLeaf(ca: ClientCa, options: LeafOptions): ClientLeaf {
  const pair = sign(ca, options.subject, 'leaf', options.eku, options.notBefore ?? hours(-1), options.notAfter ?? hours(24));
  return { ...pair, fullChain: pair.cert + ca.chain };
}
