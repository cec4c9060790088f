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

/** Glob kinds. One object shape for all kinds keeps matchGlob's property accesses monomorphic. */
export const EXACT = 0;
export const ANY = 1;
export const PREFIX = 2;
export const GENERAL = 3;

export interface Glob {
  readonly kind: typeof EXACT | typeof ANY | typeof PREFIX | typeof GENERAL;
  /** EXACT: the whole text; PREFIX: the text before the trailing '*'; GENERAL: the pattern. */
  readonly text: string;
  readonly mask: Uint8Array | undefined;
}

const ANY_GLOB: Glob = { kind: ANY, text: '', mask: undefined };

/** Builds a matcher; `mask` undefined or all-literal means exact comparison. */
export function makeGlob(text: string, mask: Uint8Array | undefined): Glob {
  if (mask === undefined || !mask.some((m) => m !== LIT)) return { kind: EXACT, text, mask: undefined };
  if (text.length === 1 && mask[0] === STAR) return ANY_GLOB;
  const last = text.length - 1;
  if (mask[last] === STAR && !mask.subarray(0, last).some((m) => m !== LIT)) {
    return { kind: PREFIX, text: text.slice(0, last), mask: undefined };
  }
  return { kind: GENERAL, text, mask };
}

/** The literal text every match must start with ('' if the pattern starts with a wildcard). */
export function literalPrefix(glob: Glob): string {
  if (glob.kind !== GENERAL || glob.mask === undefined) return glob.text;
  const first = glob.mask.findIndex((m) => m !== LIT);
  return glob.text.slice(0, first);
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
    case EXACT:
      return glob.text === s;
    case ANY:
      return true;
    case PREFIX:
      return s.startsWith(glob.text);
    case GENERAL:
      return matchGeneral(glob.text, glob.mask as Uint8Array, s);
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
