/**
 * Key ordering helpers. S3 lists keys in UTF-8 byte order, which equals Unicode code point
 * order. JavaScript compares strings by UTF-16 code units, which differs for characters above
 * U+FFFF versus U+E000–U+FFFF ('😀' < 'ｚ' in JS, but 'ｚ' < '😀' in UTF-8), so never use `<` on keys.
 */

/** Compares two strings in UTF-8 byte (= code point) order. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–U+DFFF) encode code points ≥ U+10000, which sort after every BMP char.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The smallest valid string greater than every string that starts with `prefix`, in UTF-8
 * byte order, so that `key >= prefix AND key < bound` selects exactly the keys under `prefix`.
 * Increments the last code point (skipping the surrogate range); a trailing U+10FFFF is dropped
 * and the one before it is incremented. Returns undefined when no bound exists ('' or all U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last >= 0x10ffff) continue;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    points.push(next);
    return String.fromCodePoint(...points);
  }
  return undefined;
}

/**
 * The common prefix that `key` rolls up into: `prefix` plus everything up to and including the
 * first `delimiter` after it; undefined when there is no delimiter after the prefix.
 */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '') return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
