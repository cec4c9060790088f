/**
 * GET a JSON document (discovery, JWKS) from an OpenID provider: the only code in
 * iam/identity/ that opens connections (scripts/check-imports.ts allows node:http(s) here).
 *
 * Protects: the key material Coffer trusts. Construction: https:// with certificate and host
 * name verification on (trust = Node's roots + the provider's CA_FILE + the certs dir CAs/);
 * plain http:// only to a loopback host (127.0.0.0/8, ::1, localhost), or anywhere when the
 * operator set COFFER_IDENTITY_OPENID_ALLOW_INSECURE. Invariants: 5 s timeout for the whole
 * exchange, 256 KiB response cap (declared or streamed), only status 200 with a JSON object
 * body is accepted, redirects are never followed. Failures are FetchError with a message for
 * the log; they never reach a client.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';

export const FETCH_TIMEOUT_MS = 5_000;
export const MAX_DOCUMENT_BYTES = 256 * 1024;

export class FetchError extends Error {
  override name = 'FetchError';
}

export interface FetchOptions {
  /** Extra PEM trust anchors (added to Node's root store). */
  readonly ca?: readonly string[] | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Throws FetchError unless `url` may be fetched under `options`. */
export function checkFetchable(url: URL, options: FetchOptions): void {
  if (url.username !== '' || url.password !== '') throw new FetchError(`${url.origin}: URL carries credentials`);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (isLoopbackHost(url.hostname) || options.allowInsecureHttp)) return;
  throw new FetchError(`${url.origin}: only https (or http to a loopback host) is allowed`);
}

export function fetchJson(href: string, options: FetchOptions = {}): Promise<Record<string, unknown>> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return Promise.reject(new FetchError('not a URL'));
  }
  try {
    checkFetchable(url, options);
  } catch (error) {
    return Promise.reject(error);
  }
  const secure = url.protocol === 'https:';
  const tls = secure && options.ca && options.ca.length > 0 ? { ca: [...rootCertificates, ...options.ca] } : {};
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => void req.destroy(new FetchError(`${url.origin}${url.pathname}: ${message}`));
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' }, agent: false, ...tls }, (res) => {
      if (res.statusCode !== 200) return fail(`status ${res.statusCode ?? 0}`);
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > MAX_DOCUMENT_BYTES) return fail('response too large');
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) fail('response too large');
        else chunks.push(chunk);
      });
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) reject(new FetchError(`${url.origin}${url.pathname}: not a JSON object`));
        else resolve(body as Record<string, unknown>);
      });
      res.on('error', (e) => reject(e instanceof FetchError ? e : new FetchError(`${url.origin}: ${e.message}`)));
    });
    const timer = setTimeout(() => fail('timeout'), options.timeoutMs ?? FETCH_TIMEOUT_MS);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(e instanceof FetchError ? e : new FetchError(`${url.origin}: ${e.message}`)));
    req.end();
  });
}
