/**
 * Canonical URI and query encoding for SigV4 (S3 flavour).
 * Protects: the signature binds the exact resource and parameters the server will act on.
 * Construction: percent-decode the raw text strictly (a malformed escape is InvalidURI), then
 * re-encode every byte except the unreserved set A-Za-z0-9-_.~ (and '/' in paths) as %XX
 * upper-case. S3 does not normalise '.', '..' or '//' segments, so neither do we: the key the
 * handler sees is the key that was signed. '+' is a literal plus, never a space.
 * Inputs are bounded by the HTTP layer's URL size limit.
 */
import { AppError } from '../../../core/index.js';

const ENCODED: string[] = [];
const UNRESERVED = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const ch = String.fromCharCode(b);
  const unreserved = /[A-Za-z0-9\-_.~]/.test(ch);
  UNRESERVED[b] = unreserved ? 1 : 0;
  ENCODED.push(unreserved ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`);
}
const SLASH = 0x2f;

function invalidUri(): AppError {
  return new AppError('InvalidURI', { message: "Couldn't parse the specified URI." });
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Strictly percent-decodes `raw` into bytes; other characters are taken as UTF-8. */
export function percentDecode(raw: string): Buffer {
  if (!raw.includes('%')) return Buffer.from(raw, 'utf8');
  const out: number[] = [];
  let plainStart = 0;
  const flushPlain = (end: number): void => {
    if (end > plainStart) for (const b of Buffer.from(raw.slice(plainStart, end), 'utf8')) out.push(b);
  };
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== 37) continue;
    flushPlain(i);
    const hi = hexValue(raw.charCodeAt(i + 1));
    const lo = hexValue(raw.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) throw invalidUri();
    out.push(hi * 16 + lo);
    i += 2;
    plainStart = i + 1;
  }
  flushPlain(raw.length);
  return Buffer.from(out);
}

/** Encodes bytes the SigV4 way; '/' is kept only when `keepSlash`. */
export function uriEncode(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += keepSlash && b === SLASH ? '/' : ENCODED[b]!;
  }
  return out;
}

function isCanonicalAlready(raw: string, keepSlash: boolean): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === SLASH))) return false;
  }
  return true;
}

/** Canonical URI of a raw request path. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  if (isCanonicalAlready(rawPath, true)) return rawPath;
  return uriEncode(percentDecode(rawPath), true);
}

export interface QueryParam {
  /** Decoded name and value (UTF-8). */
  name: string;
  value: string;
  /** Strictly re-encoded name and value, as they appear in the canonical query. */
  encodedName: string;
  encodedValue: string;
}

function canonicalComponent(raw: string): { decoded: string; encoded: string } {
  if (isCanonicalAlready(raw, false)) return { decoded: raw, encoded: raw };
  const bytes = percentDecode(raw);
  return { decoded: bytes.toString('utf8'), encoded: uriEncode(bytes, false) };
}

/** Parses a raw query string (without '?'); a parameter without '=' has an empty value. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = canonicalComponent(eq < 0 ? piece : piece.slice(0, eq));
    const value = canonicalComponent(eq < 0 ? '' : piece.slice(eq + 1));
    params.push({ name: name.decoded, value: value.decoded, encodedName: name.encoded, encodedValue: value.encoded });
  }
  return params;
}

/** Canonical query string: sorted by encoded name, then encoded value. */
export function canonicalQuery(params: readonly QueryParam[], omitName?: string): string {
  const kept = omitName === undefined ? [...params] : params.filter((p) => p.name !== omitName);
  kept.sort((a, b) =>
    a.encodedName < b.encodedName ? -1 : a.encodedName > b.encodedName ? 1 : a.encodedValue < b.encodedValue ? -1 : a.encodedValue > b.encodedValue ? 1 : 0,
  );
  return kept.map((p) => `${p.encodedName}=${p.encodedValue}`).join('&');
}
