/**
 * HTTPS transport to one or more KES servers: the only place in kms/ that speaks HTTP
 * (scripts/check-imports.ts allows node:https here and nowhere else in kms/).
 *
 * Protects: the KES credentials (API key or mTLS private key) and the data keys that cross
 * this connection. Construction: TLS always (https:// endpoints only), verified against the
 * configured CA (or the system roots); the client proves its identity with a certificate
 * (mTLS) and/or `Authorization: Bearer <API key>`. Inputs: method, path (key ids are checked
 * before they reach a path), JSON body. Invariants: request and response bodies are capped at
 * 1 MiB; each attempt times out (15 s); a network error, timeout or 5xx moves on to the next
 * endpoint, and when none answers the caller gets KmsError 'Unavailable'; 4xx answers are
 * final. Backend messages are never copied into errors (they may quote inputs).
 */
import { Agent, request } from 'node:https';
import type { Secret } from '../../core/index.js';
import { KmsError } from '../key-manager.js';

export const MAX_BODY = 1 << 20;
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface KesSettings {
  /** `https://host:port`, tried in order (starting from the last one that answered). */
  readonly endpoints: readonly string[];
  /** Default key (SSE-S3, SSE-KMS without a key id); created at start when missing. */
  readonly defaultKeyId: string;
  readonly apiKey?: Secret<string> | undefined;
  readonly clientCert?: { readonly cert: string; readonly key: Secret<string>; readonly keyPassword?: Secret<string> | undefined } | undefined;
  /** PEM certificates trusted for the KES server; the system roots when absent. */
  readonly ca?: readonly string[] | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface KesResponse {
  status: number;
  body: unknown;
}

class EndpointDown extends Error {}

export class KesTransport {
  readonly endpoints: readonly URL[];
  readonly #agent: Agent;
  readonly #apiKey: Secret<string> | undefined;
  readonly #timeoutMs: number;
  #preferred = 0;

  constructor(settings: KesSettings) {
    if (settings.endpoints.length === 0) throw new KmsError('InvalidInput', 'KES needs at least one endpoint');
    this.endpoints = settings.endpoints.map((e) => {
      const url = new URL(e);
      if (url.protocol !== 'https:') throw new KmsError('InvalidInput', `KES endpoint '${e}' must use https://`);
      return url;
    });
    this.#apiKey = settings.apiKey;
    this.#timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const cert = settings.clientCert;
    this.#agent = new Agent({
      keepAlive: true,
      minVersion: 'TLSv1.2',
      ...(settings.ca ? { ca: [...settings.ca] } : {}),
      ...(cert ? { cert: cert.cert, key: cert.key.reveal(), passphrase: cert.keyPassword?.reveal() } : {}),
    });
  }

  /** Sends to the first endpoint that answers; Unavailable when none does. */
  async send(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KesResponse> {
    const n = this.endpoints.length;
    for (let i = 0; i < n; i++) {
      const index = (this.#preferred + i) % n;
      try {
        const response = await this.sendTo(index, method, path, body);
        this.#preferred = index;
        return response;
      } catch (error) {
        if (!(error instanceof EndpointDown)) throw error;
      }
    }
    throw new KmsError('Unavailable', 'no KES endpoint answered');
  }

  /** One attempt against one endpoint; EndpointDown for network trouble, timeouts and 5xx. */
  sendTo(index: number, method: string, path: string, body?: unknown): Promise<KesResponse> {
    const base = this.endpoints[index];
    if (!base) return Promise.reject(new EndpointDown('no such endpoint'));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload && payload.length > MAX_BODY) return Promise.reject(new KmsError('InvalidInput', 'KES request body too large'));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey.reveal()}`;
    return new Promise<KesResponse>((resolve, reject) => {
      const req = request(new URL(path, base), { method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) req.destroy(new EndpointDown('response too large'));
          else chunks.push(chunk);
        });
        res.on('error', (e) => reject(new EndpointDown(e.message)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500 && status !== 501) return reject(new EndpointDown(`status ${status}`));
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status, body: parsed });
        });
      });
      const timer = setTimeout(() => req.destroy(new EndpointDown('timeout')), this.#timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (e) => reject(e instanceof EndpointDown ? e : new EndpointDown(e.message)));
      req.end(payload);
    });
  }

  /** Liveness of every endpoint (GET /v1/status), for the admin status. Never credentials. */
  async probe(): Promise<Array<{ endpoint: string; online: boolean; latencyMs?: number; error?: string }>> {
    return Promise.all(this.endpoints.map(async (url, index) => {
      const started = performance.now();
      try {
        const res = await this.sendTo(index, 'GET', '/v1/status');
        if (res.status !== 200) return { endpoint: url.origin, online: false, error: `status ${res.status}` };
        return { endpoint: url.origin, online: true, latencyMs: Math.round(performance.now() - started) };
      } catch {
        return { endpoint: url.origin, online: false, error: 'unreachable' };
      }
    }));
  }

  close(): void {
    this.#agent.destroy();
  }
}
