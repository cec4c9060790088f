/**
 * Bounded, strict JSON reading for policy documents: the size is checked BEFORE parsing, the
 * text must be one JSON object, and duplicate keys are refused (JSON.parse would silently keep
 * the last one — a classic way to smuggle a second "Effect" or "Resource" past a reviewer).
 */
import { PolicyError } from './errors.js';

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function checkSize(text: string, limit: number, what: string): void {
  if (text.length > limit || byteLength(text) > limit) {
    throw new PolicyError(`policy: the ${what} is larger than the limit of ${limit} bytes`);
  }
}

export function readJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PolicyError('policy: not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('policy: the document must be a JSON object');
  }
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    const m = /^Statement(?:\[(\d+)\])?/.exec(dup.path);
    const statement = m === null ? undefined : Number(m[1] ?? 0);
    throw new PolicyError(`${dup.path || 'policy'}: duplicate key ${JSON.stringify(dup.key)}`, statement, dup.key);
  }
  return value as Record<string, unknown>;
}

interface Frame {
  readonly keys: Set<string> | undefined; // undefined: array
  key: string;
  index: number;
  expectKey: boolean;
}

function pathOf(stack: readonly Frame[], upTo: number): string {
  let out = '';
  for (let i = 0; i < upTo; i++) {
    const f = stack[i] as Frame;
    out += f.keys === undefined ? `[${f.index}]` : `${out === '' ? '' : '.'}${f.key}`;
  }
  return out;
}

/** Scans already-validated JSON text; returns the first duplicate key and the path of its object. */
export function findDuplicateKey(text: string): { key: string; path: string } | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (top?.keys !== undefined && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (top.keys.has(key)) return { key, path: pathOf(stack, stack.length - 1) };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
    } else if (c === 0x7b) stack.push({ keys: new Set(), key: '', index: 0, expectKey: true });
    else if (c === 0x5b) stack.push({ keys: undefined, key: '', index: 0, expectKey: false });
    else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c && top !== undefined) {
      if (top.keys === undefined) top.index++;
      else top.expectKey = true;
    }
  }
  return undefined;
}
