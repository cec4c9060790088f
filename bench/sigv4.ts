/**
 * Minimal AWS Signature Version 4 for the bench client: header auth, path-style, body hash
 * UNSIGNED-PAYLOAD (the client spends no CPU hashing bodies). Signing keys are cached per day.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  accessKey: string;
  secretKey: string;
  region: string;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/** RFC 3986 encoding as SigV4 wants it: everything except A–Z a–z 0–9 - _ . ~ is %XX. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes an S3 path (`/bucket/key`) segment by segment, keeping the slashes. */
export function encodePath(path: string): string {
  return path.split('/').map(uriEncode).join('/');
}

export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k] ?? '')}`)
    .join('&');
}

export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export class SigV4Signer {
  readonly #creds: SigningCredentials;
  #keyDay = '';
  #key: Buffer = Buffer.alloc(0);

  constructor(creds: SigningCredentials) {
    this.#creds = creds;
  }

  #signingKey(day: string): Buffer {
    if (day !== this.#keyDay) {
      const kDate = hmac(`AWS4${this.#creds.secretKey}`, day);
      this.#key = hmac(hmac(hmac(kDate, this.#creds.region), 's3'), 'aws4_request');
      this.#keyDay = day;
    }
    return this.#key;
  }

  /**
   * Returns the headers to send (without `host`, which the HTTP client sets to the same value).
   * `path` is the raw `/bucket/key`; it is encoded here exactly as it must go on the wire.
   */
  sign(
    method: string,
    host: string,
    path: string,
    query: Readonly<Record<string, string>> = {},
    extra: Readonly<Record<string, string>> = {},
    now: Date = new Date(),
  ): Record<string, string> {
    const date = amzDate(now);
    const day = date.slice(0, 8);
    const headers: Record<string, string> = { host, 'x-amz-content-sha256': UNSIGNED_PAYLOAD, 'x-amz-date': date };
    for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(';');
    const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join('');
    const canonicalRequest = [method, encodePath(path), canonicalQuery(query), canonicalHeaders, signedHeaders, UNSIGNED_PAYLOAD].join('\n');
    const scope = `${day}/${this.#creds.region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
    const signature = hmac(this.#signingKey(day), stringToSign).toString('hex');
    const { host: _host, ...out } = headers;
    out.authorization = `AWS4-HMAC-SHA256 Credential=${this.#creds.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return out;
  }
}
