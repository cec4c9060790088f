/** Bool (true/false, case-insensitive) and BinaryEquals (base64 values, compared as bytes). */
import { staticTest, quote, type OperatorSpec } from './operator.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Canonical base64 of a base64 string, or undefined if it is not base64. */
export function canonicalBase64(s: string): string | undefined {
  if (s === '' || !BASE64.test(s)) return undefined;
  return Buffer.from(s, 'base64').toString('base64');
}

export const BOOL_OPERATORS: Record<string, OperatorSpec> = {
  Bool: {
    negated: false,
    compile(values) {
      const set = new Set<string>(values.map((v) => {
        const l = v.toLowerCase();
        if (l !== 'true' && l !== 'false') throw new Error(`${quote(v)} is not a boolean (true or false)`);
        return l;
      }));
      return staticTest((r) => set.has(r.toLowerCase()));
    },
  },
  /** Request values are base64 too (the context holds strings); compared after canonicalising. */
  BinaryEquals: {
    negated: false,
    compile(values) {
      const set = new Set(values.map((v) => {
        const c = canonicalBase64(v);
        if (c === undefined) throw new Error(`${quote(v)} is not base64`);
        return c;
      }));
      return staticTest((r) => {
        const c = canonicalBase64(r);
        return c !== undefined && set.has(c);
      });
    },
  },
};
