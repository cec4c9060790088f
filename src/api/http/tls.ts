/**
 * TLS for the API listener: the cipher policy, the certificates of the certificates directory
 * (default pair + one sub-folder per extra domain, served by SNI) and their hot reload.
 *
 * Protects: traffic between clients and Coffer (credentials, SigV4 signatures, SSE-C keys, data).
 * Policy: TLS 1.2 and 1.3 only; TLS 1.3 suites and ECDHE with AES-GCM or ChaCha20-Poly1305
 * only (no CBC, no static RSA key exchange, so every session has forward secrecy); the server's
 * order wins; ALPN http/1.1.
 * Reload: a change seen by the directory watch, the 10 s poll (symlink swaps of Kubernetes
 * secrets emit no event on the watched folder) or SIGHUP loads every pair again. A pair is only
 * installed after a secure context was built from it (PEM parses, the key decrypts and matches
 * the certificate); a bad new pair keeps the old one serving and the reason is logged — the
 * OpenSSL message, never key bytes. Folders named `..*` are ignored, symlinks are followed.
 * Client certificates (STS AssumeRoleWithCertificate, only when the operator enabled it): every
 * context — default and SNI — carries the client CAs (`clientCa`, from `<certs>/CAs/`), so
 * OpenSSL verifies a presented certificate against those CAs only (not the system roots)
 * whatever name the client asked for; the server requests but never requires a certificate
 * (see startHttpServer), and the STS action reads the verdict (socket.authorized).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from '../../observability/index.js';

export const TLS_POLICY = Object.freeze({
  minVersion: 'TLSv1.2' as const,
  maxVersion: 'TLSv1.3' as const,
  ciphers: [
    'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
  ecdhCurve: 'X25519:prime256v1:secp384r1:secp521r1',
});

export const HSTS = 'max-age=31536000; includeSubDomains';
const POLL_MS = 10_000;
const DEBOUNCE_MS = 200;

export interface PairOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly passphrase?: string;
  /** Client CAs (PEM) that presented client certificates are verified against. */
  readonly ca?: string[];
}

interface Loaded {
  readonly digest: string;
  readonly options: PairOptions;
  readonly context: SecureContext;
  readonly x509: X509Certificate;
}

export interface CertificateStoreOptions {
  certsDir: string;
  passphrase?: string | undefined;
  /** Trust anchors for client certificates (mutual TLS); absent: none are verified. */
  clientCa?: readonly string[] | undefined;
  logger: Logger;
}

async function readPair(dir: string): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(join(dir, 'public.crt')), readFile(join(dir, 'private.key'))]);
    return { cert, key };
  } catch {
    return undefined;
  }
}

export class CertificateStore {
  readonly #dir: string;
  readonly #passphrase: string | undefined;
  readonly #clientCa: string[] | undefined;
  readonly #logger: Logger;
  #default: Loaded | undefined;
  #domains = new Map<string, Loaded>();
  #queue: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  /** Called with the new default pair (the listener installs it with setSecureContext). */
  onDefaultChange: (options: PairOptions) => void = () => undefined;

  constructor(options: CertificateStoreOptions) {
    this.#dir = options.certsDir;
    this.#passphrase = options.passphrase;
    this.#clientCa = options.clientCa === undefined ? undefined : [...options.clientCa];
    this.#logger = options.logger.child({ component: 'tls' });
  }

  /** The default pair; throws until a successful load. */
  get defaultPair(): PairOptions {
    if (!this.#default) throw new Error(`no usable certificate in ${this.#dir} (public.crt, private.key)`);
    return this.#default.options;
  }

  /** SNI: the first extra domain whose certificate covers the name, else the default certificate. */
  readonly sniCallback = (servername: string, cb: (error: Error | null, ctx?: SecureContext) => void): void => {
    for (const loaded of this.#domains.values()) {
      if (loaded.x509.checkHost(servername) !== undefined) return cb(null, loaded.context);
    }
    cb(null, undefined);
  };

  /** Loads every pair again (serialised); failures keep what was serving. */
  reload(reason: string): Promise<void> {
    this.#queue = this.#queue.then(() => this.#reload(reason)).catch((error: unknown) => {
      this.#logger.error({ reason, message: (error as Error).message }, 'certificate reload failed; keeping the current certificates');
    });
    return this.#queue;
  }

  /** Watch the folder and poll every 10 s; timers and watcher never keep the process alive. */
  start(): void {
    try {
      this.#watcher = watch(this.#dir, { persistent: false }, () => this.#schedule());
      this.#watcher.on('error', () => undefined);
    } catch {
      this.#logger.warn({ certsDir: this.#dir }, 'cannot watch the certificates directory; polling only');
    }
    this.#poll = setInterval(() => void this.reload('poll'), POLL_MS);
    this.#poll.unref();
  }

  stop(): void {
    this.#watcher?.close();
    if (this.#poll) clearInterval(this.#poll);
    if (this.#debounce) clearTimeout(this.#debounce);
  }

  #schedule(): void {
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.reload('watch'), DEBOUNCE_MS);
    this.#debounce.unref();
  }

  #build(pair: { cert: Buffer; key: Buffer }): Loaded {
    const options: PairOptions = {
      ...pair,
      ...(this.#passphrase === undefined ? {} : { passphrase: this.#passphrase }),
      ...(this.#clientCa === undefined ? {} : { ca: this.#clientCa }),
    };
    const context = createSecureContext({ ...TLS_POLICY, ...options });
    const digest = createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
    return { digest, options, context, x509: new X509Certificate(pair.cert) };
  }

  /** Installs `pair` unless unchanged; a pair that does not build keeps `current` (logged). */
  #install(name: string, pair: { cert: Buffer; key: Buffer } | undefined, current: Loaded | undefined): Loaded | undefined {
    if (!pair) {
      if (current) this.#logger.warn({ certificate: name }, 'certificate files unreadable or incomplete; keeping the current one');
      return current;
    }
    const digest = createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
    if (current?.digest === digest) return current;
    try {
      const loaded = this.#build(pair);
      if (current) this.#logger.info({ certificate: name, subject: loaded.x509.subject, validTo: loaded.x509.validTo }, 'certificate reloaded');
      return loaded;
    } catch (error) {
      this.#logger.error({ certificate: name, message: (error as Error).message }, current
        ? 'new certificate refused; the previous one keeps serving'
        : 'certificate refused');
      return current;
    }
  }

  async #reload(reason: string): Promise<void> {
    const before = this.#default;
    this.#default = this.#install('default', await readPair(this.#dir), before);
    if (this.#default && this.#default !== before && before) this.onDefaultChange(this.#default.options);
    const next = new Map<string, Loaded>();
    for (const name of await this.#domainFolders()) {
      const loaded = this.#install(name, await readPair(join(this.#dir, name)), this.#domains.get(name));
      if (loaded) next.set(name, loaded);
    }
    this.#domains = next;
    this.#logger.debug({ reason, domains: [...next.keys()] }, 'certificates checked');
  }

  async #domainFolders(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const out: string[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('..') || name === 'CAs') continue;
      // stat follows symlinks (Kubernetes mounts link every entry).
      if (await stat(join(this.#dir, name)).then((s) => s.isDirectory(), () => false)) out.push(name);
    }
    return out;
  }
}
