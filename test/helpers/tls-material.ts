/** Test certificates made with Debian's `openssl`: a private CA and leaf certificates it signs. */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair {
  cert: string;
  key: string;
}

export interface TestCa extends Pair {
  /** A leaf certificate for `cn` with the given subjectAltName (e.g. 'DNS:localhost,IP:127.0.0.1'). */
  issue(cn: string, san: string): Pair;
}

const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-test-ca-'));
  try {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=coffer-test-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt')]);
    const ca = { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
    return { ...ca, issue: (cn, san) => issue(ca, cn, san) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function issue(ca: Pair, cn: string, san: string): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-test-leaf-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`, '-addext', 'basicConstraints=CA:FALSE',
      '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-keyout', join(dir, 'leaf.key'), '-out', join(dir, 'leaf.crt')]);
    return { cert: readFileSync(join(dir, 'leaf.crt'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}
