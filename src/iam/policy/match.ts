/**
 * Wildcard matching for actions, resources, StringLike and ARN components.
 * A pattern is text plus a per-character mask (0 literal, STAR '*', ONE '?'), so a character that
 * came from a policy variable or an escape (${*}, ${?}) is always literal: a username "*" can
 * never widen a grant. '*' matches any run of characters including '/', '?' exactly one
 * character (a surrogate pair counts as one). Matching is case-sensitive; callers lower-case
 * both sides where AWS is case-insensitive (actions, *IgnoreCase). Linear-time greedy matcher
 * with single-star backtracking: no RegExp, so no pathological patterns.
 */

export const LIT = 0;
export const STAR = 1;
export const ONE = 2;

export type Glob =
  | { readonly kind: 'exact'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'prefix'; readonly text: string }
  | { readonly kind: 'general'; readonly text: string; readonly mask: Uint8Array };

const ANY: Glob = { kind: 'any' };

/** Builds a matcher; `mask` undefined or all-literal means exact comparison. */
export function makeGlob(text: string, mask: Uint8Array | undefined): Glob {
  if (mask === undefined || !mask.some((m) => m !== LIT)) return { kind: 'exact', text };
  if (text.length === 1 && mask[0] === STAR) return ANY;
  const last = text.length - 1;
  if (mask[last] === STAR && !mask.subarray(0, last).some((m) => m !== LIT)) {
    return { kind: 'prefix', text: text.slice(0, last) };
  }
  return { kind: 'general', text, mask };
}

/** A pattern written directly (no variables, no escapes): every '*' and '?' is a wildcard. */
export function globFromPattern(pattern: string): Glob {
  return makeGlob(pattern, wildcardMask(pattern));
}

export function wildcardMask(text: string): Uint8Array | undefined {
  let mask: Uint8Array | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 42 || c === 63) {
      mask ??= new Uint8Array(text.length);
      mask[i] = c === 42 ? STAR : ONE;
    }
  }
  return mask;
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

export function matchGlob(glob: Glob, s: string): boolean {
  switch (glob.kind) {
    case 'exact':
      return glob.text === s;
    case 'any':
      return true;
    case 'prefix':
      return s.startsWith(glob.text);
    case 'general':
      return matchGeneral(glob.text, glob.mask, s);
  }
}

function isPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) return false;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

function matchGeneral(p: string, mask: Uint8Array, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length) {
      const m = mask[pi];
      if (m === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
      if (m === ONE) {
        pi++;
        si += isPair(s, si) ? 2 : 1;
        continue;
      }
      if (p.charCodeAt(pi) === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < p.length && mask[pi] === STAR) pi++;
  return pi === p.length;
}
