/**
 * A small KES server for tests: the HTTP API of reference §7.4 (minio/kes), keys in memory.
 * HTTPS with a self-signed certificate made at test time with `openssl`; callers authenticate
 * with an mTLS client certificate (identity = hex SHA-256 of its SubjectPublicKeyInfo, as KES)
 * or `Authorization: Bearer <API key>`. generate/decrypt seal data keys exactly as the static
 * KMS does (gcm ‖ tag ‖ iv ‖ nonce, sealing key HMAC-SHA256(K, iv), AAD = the context bytes),
 * written here independently so the tests cross-check the format.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface TlsMaterial {
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** KES identity of the client certificate. */
  clientIdentity: string;
}

function selfSigned(dir: string, name: string, san: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

export function identityOf(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

export function makeTlsMaterial(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-kes-tls-'));
  try {
    const server = selfSigned(dir, 'kes-server', 'IP:127.0.0.1,DNS:localhost');
    const client = selfSigned(dir, 'coffer-client', 'DNS:coffer-client');
    return { serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key, clientIdentity: identityOf(client.cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHmac('sha256', key).update(iv).digest(), nonce);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag(), iv, nonce]);
}

function open(key: Buffer, ciphertext: Buffer, aad: Buffer): Buffer | undefined {
  if (ciphertext.length < 44) return undefined;
  const n = ciphertext.length;
  const iv = ciphertext.subarray(n - 28, n - 12);
  try {
    const decipher = createDecipheriv('aes-256-gcm', createHmac('sha256', key).update(iv).digest(), ciphertext.subarray(n - 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(n - 44, n - 28));
    return Buffer.concat([decipher.update(ciphertext.subarray(0, n - 44)), decipher.final()]);
  } catch {
    return undefined;
  }
}

export interface KesServer {
  url: string;
  keys: Map<string, { key: Buffer; createdAt: string; createdBy: string }>;
  /** Requests answered, by "METHOD path-prefix" (e.g. "PUT /v1/key/generate"). */
  calls: string[];
  close(): Promise<void>;
}

export interface KesServerOptions {
  tls: TlsMaterial;
  apiKeys?: string[];
  /** mTLS identities allowed (hex SHA-256 of SPKI). */
  identities?: string[];
  /** Shares the key store with another server (a second KES node of one cluster). */
  keys?: KesServer['keys'];
  /** Listen on this port (e.g. one a client was configured with before the server came up). */
  port?: number;
}

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;
class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}
const b64 = (value: unknown, field: string): Buffer => {
  if (typeof value !== 'string') throw new HttpError(400, `invalid ${field}`);
  return Buffer.from(value, 'base64');
};

export async function startKesServer(options: KesServerOptions): Promise<KesServer> {
  const keys: KesServer['keys'] = options.keys ?? new Map();
  const calls: string[] = [];
  const server: Server = createServer({ cert: options.tls.serverCert, key: options.tls.serverKey, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      send(res, status, { message: error instanceof Error ? error.message : 'internal error' });
    });
  });

  function identify(req: IncomingMessage): string {
    const peer = (req.socket as TLSSocket).getPeerCertificate?.();
    if (peer?.raw) {
      const id = identityOf(new X509Certificate(peer.raw).toString());
      if (options.identities?.includes(id)) return id;
    }
    const auth = req.headers.authorization ?? '';
    const apiKey = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (apiKey && options.apiKeys?.includes(apiKey)) return `api-key:${createHash('sha256').update(apiKey).digest('hex')}`;
    throw new HttpError(403, 'not authorized: insufficient permissions');
  }

  async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 1 << 20) throw new HttpError(413, 'request body too large');
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new HttpError(400, 'invalid JSON');
    }
  }

  function keyOf(name: string): Buffer {
    const entry = keys.get(name);
    if (!entry) throw new HttpError(404, 'key does not exist');
    return entry.key;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kes');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/version') return send(res, 200, { version: 'coffer-test-kes' });
    const who = identify(req);
    const m = /^\/v1\/key\/(create|import|describe|list|delete|generate|encrypt|decrypt|hmac)\/(.*)$/.exec(url.pathname);
    if (method === 'GET' && (url.pathname === '/v1/status' || url.pathname === '/v1/ready')) {
      calls.push(`GET ${url.pathname}`);
      return send(res, 200, { version: 'coffer-test-kes', os: process.platform, arch: process.arch, uptime: 1 });
    }
    if (!m) throw new HttpError(404, 'not found');
    const [, op = '', rawName = ''] = m;
    const name = decodeURIComponent(rawName);
    calls.push(`${method} /v1/key/${op}`);
    if (op === 'list' && method === 'GET') {
      if (name !== '' && !/^[A-Za-z0-9._-]*\*?$/.test(name)) throw new HttpError(400, 'invalid prefix');
      const prefix = name.replace(/\*$/, '');
      return send(res, 200, { names: [...keys.keys()].filter((k) => k.startsWith(prefix)).sort(), continue_at: '' });
    }
    if (!NAME.test(name)) throw new HttpError(400, 'invalid key name');
    const expect = op === 'describe' ? 'GET' : op === 'delete' ? 'DELETE' : 'PUT';
    if (method !== expect) throw new HttpError(405, 'method not allowed');
    const input = await body(req);
    const aad = input.context === undefined ? Buffer.alloc(0) : b64(input.context, 'context');
    switch (op) {
      case 'create':
      case 'import': {
        if (keys.has(name)) throw new HttpError(400, 'key already exists');
        const key = op === 'create' ? randomBytes(32) : b64(input.key, 'key');
        if (key.length !== 32 || (op === 'import' && input.cipher !== 'AES256')) throw new HttpError(400, 'invalid key');
        keys.set(name, { key, createdAt: new Date().toISOString(), createdBy: who });
        return send(res, 200, undefined);
      }
      case 'describe': {
        const entry = keys.get(name);
        if (!entry) throw new HttpError(404, 'key does not exist');
        return send(res, 200, { name, algorithm: 'AES256', created_at: entry.createdAt, created_by: entry.createdBy });
      }
      case 'delete':
        keyOf(name);
        keys.delete(name);
        return send(res, 200, undefined);
      case 'generate': {
        const plaintext = randomBytes(32);
        return send(res, 200, { plaintext: plaintext.toString('base64'), ciphertext: seal(keyOf(name), plaintext, aad).toString('base64') });
      }
      case 'encrypt':
        return send(res, 200, { ciphertext: seal(keyOf(name), b64(input.plaintext, 'plaintext'), aad).toString('base64') });
      case 'decrypt': {
        const plaintext = open(keyOf(name), b64(input.ciphertext, 'ciphertext'), aad);
        if (!plaintext) throw new HttpError(400, 'decryption failed: ciphertext is not authentic');
        return send(res, 200, { plaintext: plaintext.toString('base64') });
      }
      default:
        return send(res, 200, { hmac: createHmac('sha256', keyOf(name)).update(b64(input.message, 'message')).digest('base64') });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    keys,
    calls,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function send(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) return void res.destroy();
  const text = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An https:// URL on loopback where nothing listens (a KES node that is down). */
export async function deadEndpoint(tls: TlsMaterial): Promise<string> {
  const s = createServer({ cert: tls.serverCert, key: tls.serverKey });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}
