/**
 * IpAddress / NotIpAddress: IPv4 and IPv6 CIDRs or bare addresses (= /32, /128). Strict
 * parsing: no leading zeros in IPv4 octets (octal ambiguity), no zone ids. IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d, as Node reports IPv4 peers on dual-stack sockets) compare as IPv4.
 */
import { staticTest, quote, type OperatorSpec } from './operator.js';

interface Cidr { readonly bytes: Uint8Array; readonly bits: number }

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let tail: Uint8Array | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  const out = new Uint8Array(16);
  all.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  if (tail !== undefined) out.set(tail, 12);
  return out;
}

function isMapped(b: Uint8Array): boolean {
  return b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

export function parseIp(s: string): Uint8Array | undefined {
  const b = s.includes(':') ? parseV6(s) : parseV4(s);
  return b !== undefined && isMapped(b) ? b.slice(12) : b;
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const raw = addr.includes(':') ? parseV6(addr) : parseV4(addr);
  if (raw === undefined) return undefined;
  let bits = raw.length * 8;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > bits) return undefined;
    bits = Number(p);
  }
  if (isMapped(raw) && bits >= 96) return { bytes: raw.slice(12), bits: bits - 96 };
  return { bytes: raw, bits };
}

export function inCidr(ip: Uint8Array, c: Cidr): boolean {
  if (ip.length !== c.bytes.length) return false;
  const full = c.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== c.bytes[i]) return false;
  const rem = c.bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return ((ip[full] ?? 0) & mask) === ((c.bytes[full] ?? 0) & mask);
}

/** One-entry memo: the same aws:SourceIp is parsed once per request, not once per clause. */
let lastText: string | undefined;
let lastIp: Uint8Array | undefined;

function parseRequestIp(r: string): Uint8Array | undefined {
  if (r !== lastText) {
    lastIp = parseIp(r);
    lastText = r;
  }
  return lastIp;
}

function compileIp(values: readonly string[]) {
  const cidrs = values.map((v) => {
    const c = parseCidr(v.trim());
    if (c === undefined) throw new Error(`${quote(v)} is not an IP address or CIDR block`);
    return c;
  });
  return staticTest((r) => {
    const ip = parseRequestIp(r);
    return ip !== undefined && cidrs.some((c) => inCidr(ip, c));
  });
}

export const IP_OPERATORS: Record<string, OperatorSpec> = {
  IpAddress: { negated: false, compile: compileIp },
  NotIpAddress: { negated: true, compile: compileIp },
};
