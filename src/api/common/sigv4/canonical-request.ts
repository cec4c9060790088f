/**
 * SigV4 canonical request and string to sign.
 * Protects: binds method, canonical URI, canonical query, the signed headers (names and
 * values) and the payload hash into one string that the client's signature must cover.
 * Header values are trimmed and internal runs of spaces collapsed; repeated headers are
 * joined with ','. Signed header names are bound in order, so a header that was not signed
 * can never influence the signature, and the caller decides which headers must be signed.
 */
import { hash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Lower-cased header name → values in arrival order. O(1) lookups. */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

export function indexHeaders(rawHeaders: readonly string[]): HeaderIndex {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const existing = map.get(name);
    if (existing === undefined) map.set(name, [rawHeaders[i + 1]!]);
    else existing.push(rawHeaders[i + 1]!);
  }
  return map;
}

/** The single value of a header; repeated values are joined with ','. */
export function headerValue(headers: HeaderIndex, name: string): string | undefined {
  const values = headers.get(name);
  return values === undefined ? undefined : values.join(',');
}

/** Node decodes header bytes as latin1; clients sign the UTF-8 bytes they sent, so non-ASCII
 * values are turned back into the text those bytes encode before they are hashed. */
function asSentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
}

function canonicalHeaderValue(values: readonly string[] | undefined): string {
  if (values === undefined) return '';
  return values.map((v) => asSentText(v).trim().replace(/ {2,}/g, ' ')).join(',');
}

export interface CanonicalRequestInput {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  headers: HeaderIndex;
  /** Lower-cased, as listed in SignedHeaders. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function buildCanonicalRequest(input: CanonicalRequestInput): string {
  let headerBlock = '';
  for (const name of input.signedHeaders) {
    headerBlock += `${name}:${canonicalHeaderValue(input.headers.get(name))}\n`;
  }
  return [
    input.method,
    input.canonicalUri,
    input.canonicalQuery,
    headerBlock,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** One-shot crypto.hash: no Hash object per call (the canonical request is hashed on every request). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `YYYYMMDDTHHMMSSZ` strictly (no rollover of out-of-range fields). */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return date;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
