/**
 * `coffer server --auto-tls`: when the certificates directory has no default pair, create a
 * private CA and a server certificate it signs, so HTTPS works with zero configuration.
 *
 * Protects: first deployments that would otherwise run plain HTTP. Construction (Debian's
 * `openssl` through execFile, no shell): a P-256 CA (CA:TRUE, pathlen:0, 10 years) and a P-256
 * server certificate (serverAuth, 825 days) for localhost, 127.0.0.1, ::1, the listen host and
 * the configured domains (and their `*.` forms for virtual-host buckets). The CA's private key
 * is deleted right after signing: clients that trust this CA trust this one certificate and
 * nothing else can ever be issued under it (renewing means deleting the pair and re-running,
 * which makes a new CA). The server key is written 0600 in a 0700 folder; work happens in a
 * `..`-prefixed temp folder (ignored by the certificate loader) and the files are renamed in.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AutoTlsResult {
  readonly caPath: string;
  readonly fingerprint: string;
  readonly names: readonly string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

export function autoTlsNames(host: string, domains: readonly string[]): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (host !== '' && host !== '0.0.0.0' && host !== '::') names.push(host);
  for (const domain of domains) names.push(domain, `*.${domain}`);
  return [...new Set(names)];
}

const san = (names: readonly string[]): string => names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');

/** Creates the pair unless `<certsDir>/public.crt` exists; undefined when nothing was created. */
export async function ensureAutoTls(certsDir: string, names: readonly string[]): Promise<AutoTlsResult | undefined> {
  if (await exists(join(certsDir, 'public.crt'))) return undefined;
  await mkdir(join(certsDir, 'CAs'), { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(certsDir, '..auto-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await run('openssl', ['req', '-x509', ...ec, '-days', '3650', '-subj', '/O=Coffer/CN=Coffer auto-TLS CA',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', join(work, 'ca.key'), '-out', join(work, 'ca.crt')]);
    await run('openssl', ['req', '-x509', ...ec, '-days', '825', '-subj', `/O=Coffer/CN=${names[0] ?? 'localhost'}`,
      '-addext', `subjectAltName=${san(names)}`, '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth',
      '-CA', join(work, 'ca.crt'), '-CAkey', join(work, 'ca.key'), '-keyout', join(work, 'private.key'), '-out', join(work, 'public.crt')]);
    await chmod(join(work, 'private.key'), 0o600);
    const caPath = join(certsDir, 'CAs', 'coffer-auto-tls-ca.crt');
    await rename(join(work, 'ca.crt'), caPath);
    await rename(join(work, 'private.key'), join(certsDir, 'private.key'));
    await rename(join(work, 'public.crt'), join(certsDir, 'public.crt'));
    const fingerprint = new X509Certificate(await readFile(caPath)).fingerprint256;
    return { caPath, fingerprint, names };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the openssl command was not found' : 'openssl failed';
    throw new Error(`--auto-tls: ${reason}; put public.crt and private.key in ${certsDir} yourself`, { cause: error });
  } finally {
    // Removes the CA private key: nothing else can be issued under this CA.
    await rm(work, { recursive: true, force: true });
  }
}

export function autoTlsNotice(result: AutoTlsResult, endpoint: string): string {
  return [
    '',
    `Auto-TLS: created a private CA and a server certificate for ${result.names.join(', ')}`,
    `  CA certificate:      ${result.caPath}`,
    `  SHA-256 fingerprint: ${result.fingerprint}`,
    'Clients must trust this CA (check the fingerprint before adding it):',
    `  aws --ca-bundle ${result.caPath} --endpoint-url ${endpoint} s3 ls`,
    `  export AWS_CA_BUNDLE=${result.caPath}    # AWS CLI, boto3 and the AWS SDKs`,
    `  curl --cacert ${result.caPath} ${endpoint}/coffer/health/live`,
    '',
  ].join('\n');
}
