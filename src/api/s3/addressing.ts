/**
 * Bucket and key from the request line, path-style or virtual-host-style. The raw path is
 * decoded exactly once; `.`, `..` and `//` are kept verbatim (they are legal key characters and
 * never reach the filesystem). Invalid percent-encoding or UTF-8 is InvalidURI.
 */
import { AppError } from '../../core/index.js';
import type { Target } from './routes.js';

export interface Address {
  target: Target;
  bucket: string | undefined;
  key: string | undefined;
  rawPath: string;
  query: Map<string, string>;
  virtualHost: boolean;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AppError('InvalidURI', { message: "Couldn't parse the specified URI." });
  }
}

export function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  if (rawQuery === '') return query;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1).replace(/\+/g, ' '));
    if (!query.has(name)) query.set(name, value);
  }
  return query;
}

function bucketFromHost(host: string | undefined, domains: readonly string[]): string | undefined {
  if (!host || domains.length === 0) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  for (const domain of domains) {
    if (name.length > domain.length + 1 && name.endsWith(`.${domain}`)) return name.slice(0, -domain.length - 1);
  }
  return undefined;
}

export function resolveAddress(rawUrl: string, host: string | undefined, domains: readonly string[]): Address {
  if (!rawUrl.startsWith('/')) throw new AppError('InvalidURI');
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = parseQuery(q < 0 ? '' : rawUrl.slice(q + 1));
  const hostBucket = bucketFromHost(host, domains);
  if (hostBucket !== undefined) {
    const key = decode(rawPath.slice(1));
    return { target: key === '' ? 'bucket' : 'object', bucket: hostBucket, key: key === '' ? undefined : key, rawPath, query, virtualHost: true };
  }
  const slash = rawPath.indexOf('/', 1);
  const bucket = decode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
  if (bucket === '') return { target: 'service', bucket: undefined, key: undefined, rawPath, query, virtualHost: false };
  const key = slash < 0 ? '' : decode(rawPath.slice(slash + 1));
  return { target: key === '' ? 'bucket' : 'object', bucket, key: key === '' ? undefined : key, rawPath, query, virtualHost: false };
}
