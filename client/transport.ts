/**
 * One signed HTTP exchange with the admin API over node:http / node:https. Every request body
 * is JSON and signed with its SHA-256; responses are JSON (or empty). Responses are capped
 * (4 MiB) and never logged here.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AdminApiError } from './errors.js';
import { signRequest, uriEncode, type Credentials } from './sigv4.js';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const ADMIN_BASE_PATH = '/coffer/admin/v1';

export interface TransportOptions {
  endpoint: string;
  region: string;
  credentials: Credentials;
  timeoutMs: number;
  /** TLS: trust this CA (PEM) in addition to the system store; or skip verification (tests only). */
  ca?: string | Buffer | undefined;
  insecure?: boolean | undefined;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path segments below /coffer/admin/v1; each is URI-encoded here. */
  segments: readonly string[];
  query?: ReadonlyArray<readonly [string, string]>;
  body?: unknown;
}

export async function send(options: TransportOptions, call: Call): Promise<unknown> {
  const url = new URL(options.endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AdminApiError('InvalidEndpoint', `Unsupported URL scheme ${url.protocol}`, 0);
  const basePath = url.pathname.replace(/\/+$/, '');
  const path = `${basePath}${ADMIN_BASE_PATH}/${call.segments.map(uriEncode).join('/')}`;
  const query = call.query ?? [];
  const body = call.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(call.body), 'utf8');
  const headers = signRequest({
    method: call.method,
    host: url.host,
    // The server canonicalises the URI S3-style (decode, re-encode all but '/'): a '/' inside a
    // segment goes on the wire as %2F (one segment, for the router) but is signed as '/'.
    path: path.replace(/%2F/g, '/'),
    query,
    body,
    contentType: call.body === undefined ? undefined : 'application/json',
    region: options.region,
    credentials: options.credentials,
  });
  headers['content-length'] = String(body.length);
  const search = query.length === 0 ? '' : `?${query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}`;
  const response = await exchange(url, { method: call.method, path: `${path}${search}`, headers, body }, options);
  return parse(response);
}

interface Exchanged {
  status: number;
  text: string;
  requestId: string | undefined;
}

function exchange(url: URL, req: { method: string; path: string; headers: Record<string, string>; body: Buffer }, options: TransportOptions): Promise<Exchanged> {
  const secure = url.protocol === 'https:';
  const requestFn = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = requestFn(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? 443 : 80),
        method: req.method,
        path: req.path,
        headers: req.headers,
        timeout: options.timeoutMs,
        ...(secure ? { ca: options.ca, rejectUnauthorized: options.insecure !== true } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > MAX_RESPONSE_BYTES) {
            res.destroy();
            reject(new AdminApiError('ResponseTooLarge', 'The server answer is too large.', res.statusCode ?? 0));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const requestId = res.headers['x-amz-request-id'];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), requestId: typeof requestId === 'string' ? requestId : undefined });
        });
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new AdminApiError('RequestTimeout', `No answer within ${options.timeoutMs} ms.`, 0)));
    outgoing.on('error', (error) => reject(error instanceof AdminApiError ? error : new AdminApiError('ConnectionError', `Cannot reach ${url.host}: ${(error as Error).message}`, 0)));
    outgoing.end(req.body);
  });
}

function parse(response: Exchanged): unknown {
  let json: unknown;
  if (response.text !== '') {
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new AdminApiError('InvalidResponse', `The server answered HTTP ${response.status} with a body that is not JSON.`, response.status, response.requestId);
    }
  }
  if (response.status >= 200 && response.status < 300) return json;
  const error = json as { Code?: unknown; Message?: unknown; RequestId?: unknown } | undefined;
  const code = typeof error?.Code === 'string' ? error.Code : `HTTP${response.status}`;
  const message = typeof error?.Message === 'string' ? error.Message : `The server answered HTTP ${response.status}.`;
  throw new AdminApiError(code, message, response.status, typeof error?.RequestId === 'string' ? error.RequestId : response.requestId);
}
