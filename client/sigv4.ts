/**
 * AWS Signature Version 4 for the admin client: Authorization header, service 's3', and the
 * payload's SHA-256 always signed (x-amz-content-sha256), so the server can verify the body —
 * the admin API refuses unsigned payloads. Signs host, x-amz-date, x-amz-content-sha256,
 * x-amz-security-token (when set) and content-type. The secret is only used to derive the
 * day's signing key; it is never put in a header or an error.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it: everything except A–Z a–z 0–9 - _ . ~ becomes %XX. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface SignInput {
  method: string;
  host: string;
  /** Already URI-encoded path, exactly as it goes on the wire. */
  path: string;
  query: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
  contentType?: string | undefined;
  region: string;
  credentials: Credentials;
  now?: Date;
}

/** The headers to send (host included, as signed). */
export function signRequest(input: SignInput): Record<string, string> {
  const date = amzDate(input.now ?? new Date());
  const day = date.slice(0, 8);
  const payloadHash = sha256Hex(input.body);
  const headers: Record<string, string> = { host: input.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': date };
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  if (input.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join('');
  const canonicalRequest = [input.method, input.path, canonicalQuery(input.query), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), 's3'), 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
