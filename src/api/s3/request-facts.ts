/**
 * RequestFacts: the connection and signature facts behind the global condition keys
 * (aws:SourceIp, aws:SecureTransport, s3:authType, s3:signatureAge, s3:x-amz-content-sha256 …).
 * Protects: policies conditioned on where a request comes from or how it was sent. Every fact is
 * server-derived:
 *  - sourceIp is the TCP peer. Only when that peer is a configured trusted proxy (CIDR match) is
 *    X-Forwarded-For consulted, walked from the right (the hop the trusted proxy itself added):
 *    trusted hops are skipped, the first untrusted hop is the source. Anything a client writes
 *    further left is never reached, so a forged header from an untrusted peer — or a forged
 *    prefix behind a trusted proxy — changes nothing. A malformed hop stops the walk at the last
 *    trusted address (never at a client-chosen one).
 *  - secureTransport is true when the socket itself is TLS, or when the TCP peer is a configured
 *    trusted proxy that asserts `X-Forwarded-Proto: https` (every listed value https: a client
 *    behind the proxy cannot add an http hop and still be believed secure, nor can an untrusted
 *    peer assert anything).
 *  - authType, signatureAge and the payload hash come from the verified SigV4 result.
 */
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { RequestFacts } from '../../iam/authorizer/index.js';
import type { Authentication, PayloadMode } from '../common/index.js';

interface Range {
  v6: boolean;
  base: bigint;
  mask: bigint;
}

export type ProxyMatcher = (ip: string) => boolean;

/** 'a.b.c.d' / '::1' / '::ffff:a.b.c.d' → family and 32- or 128-bit value; undefined if not an IP. */
function parseIp(text: string): { v6: boolean; value: bigint } | undefined {
  const family = isIP(text);
  if (family === 4) return { v6: false, value: text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  if (family !== 6) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped?.[1]) return parseIp(mapped[1]);
  let head = text;
  let tailV4: bigint | undefined;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    tailV4 = parseIp(v4[1])?.value;
    head = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftParts = left === '' ? [] : left.split(':');
  const rightParts = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? leftParts : [...leftParts, ...Array(8 - leftParts.length - rightParts.length).fill('0'), ...rightParts];
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return { v6: true, value };
}

/** Compiles COFFER_TRUSTED_PROXIES (validated by config) into a matcher. */
export function trustedProxyMatcher(entries: readonly string[]): ProxyMatcher {
  const ranges: Range[] = [];
  for (const entry of entries) {
    const [ip = '', bits] = entry.split('/');
    const parsed = parseIp(ip);
    if (!parsed) continue;
    const width = parsed.v6 ? 128 : 32;
    const length = bits === undefined ? width : Number(bits);
    const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(width - length);
    ranges.push({ v6: parsed.v6, base: parsed.value & mask, mask });
  }
  if (ranges.length === 0) return () => false;
  return (ip) => {
    const parsed = parseIp(ip);
    return parsed !== undefined && ranges.some((r) => r.v6 === parsed.v6 && (parsed.value & r.mask) === r.base);
  };
}

/** '::ffff:127.0.0.1' → '127.0.0.1'; brackets and ports of a forwarded hop removed. */
function cleanIp(raw: string): string {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return mapped?.[1] ?? text;
}

export function sourceIpOf(req: IncomingMessage, trusted: ProxyMatcher): string {
  const peer = cleanIp(req.socket.remoteAddress ?? '');
  if (!trusted(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  let source = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = cleanIp(hops[i] as string);
    if (isIP(hop) === 0) break;
    source = hop;
    if (!trusted(hop)) break;
  }
  return source;
}

/** aws:SecureTransport: a TLS socket, or a trusted proxy's `X-Forwarded-Proto: https`. */
export function isSecureTransport(req: IncomingMessage, trusted: ProxyMatcher): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trusted(cleanIp(req.socket.remoteAddress ?? ''))) return false;
  const header = req.headers['x-forwarded-proto'];
  const values = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  return values.length > 0 && values.every((v) => v === 'https');
}

function payloadHashOf(payload: PayloadMode): string {
  switch (payload.kind) {
    case 'unsigned':
      return 'UNSIGNED-PAYLOAD';
    case 'sha256':
      return payload.hex;
    case 'streaming-signed':
      return payload.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    case 'streaming-unsigned-trailer':
      return 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  }
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function requestFacts(req: IncomingMessage, trusted: ProxyMatcher, now: Date, auth: Authentication | { kind: 'post-form' }): RequestFacts {
  const facts: RequestFacts = {
    sourceIp: sourceIpOf(req, trusted),
    secureTransport: isSecureTransport(req, trusted),
    userAgent: single(req.headers['user-agent']),
    referer: single(req.headers.referer),
    now,
  };
  if (auth.kind === 'post-form') facts.authType = 'POST';
  else if (auth.kind === 'sigv4') {
    facts.authType = auth.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER';
    facts.contentSha256 = payloadHashOf(auth.payload);
    if (auth.presigned) facts.signatureAgeMs = Math.max(0, now.getTime() - auth.requestTime.getTime());
  }
  return facts;
}
