/**
 * A raw SigV4 client for tests that real SDKs cannot express (signed aws-chunked bodies,
 * tampered signatures, SigV2 headers, oversized headers). Independent of the server's code.
 */
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export function signingKey(secret: string, date: string, region = 'us-east-1', service = 's3'): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function amzDate(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Signs with the Authorization header; `path` must already be URI-encoded as sent. */
export function signRequest(options: {
  method: string;
  host: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  payloadHash: string;
  accessKey: string;
  secretKey: string;
  now?: Date;
}): { headers: Record<string, string>; signature: string; scope: string; date: string; key: Buffer } {
  const date = amzDate(options.now);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = { ...options.headers, host: options.host, 'x-amz-date': date, 'x-amz-content-sha256': options.payloadHash };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = [
    options.method,
    options.path,
    options.query ?? '',
    names.map((n) => `${n}:${String(lower[n]).trim()}\n`).join(''),
    names.join(';'),
    options.payloadHash,
  ].join('\n');
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(options.secretKey, day);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${options.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers, signature, scope, date, key };
}

/** Builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body from chunks, chained from the seed signature. */
export function signedChunkedBody(chunks: Buffer[], seed: { signature: string; scope: string; date: string; key: Buffer }): Buffer {
  let previous = seed.signature;
  const parts: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', seed.date, seed.scope, previous, sha256Hex(''), sha256Hex(chunk)].join('\n');
    const signature = createHmac('sha256', seed.key).update(toSign).digest('hex');
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), chunk, Buffer.from('\r\n'));
    previous = signature;
  }
  return Buffer.concat(parts);
}

export function sendRaw(endpoint: string, options: { method: string; path: string; headers: Record<string, string>; body?: Buffer }): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function errorCode(body: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.toString())?.[1];
}
