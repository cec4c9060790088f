/** Numeric operators: integer or decimal policy values; unparsable request values never match. */
import { staticTest, quote, type OperatorSpec } from './operator.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseNumber(s: string): number | undefined {
  if (!NUMBER.test(s.trim())) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

type Cmp = (request: number, policy: number) => boolean;

/** Builds a comparison family (Numeric*, Date*) from a value parser. */
export function comparisonFamily(prefix: string, parse: (s: string) => number | undefined, what: string): Record<string, OperatorSpec> {
  const make = (cmp: Cmp, negated: boolean): OperatorSpec => ({
    negated,
    compile(values) {
      const nums = values.map((v) => {
        const n = parse(v);
        if (n === undefined) throw new Error(`${quote(v)} is not ${what}`);
        return n;
      });
      return staticTest((r) => {
        const x = parse(r);
        return x !== undefined && nums.some((n) => cmp(x, n));
      });
    },
  });
  return {
    [`${prefix}Equals`]: make((a, b) => a === b, false),
    [`${prefix}NotEquals`]: make((a, b) => a === b, true),
    [`${prefix}LessThan`]: make((a, b) => a < b, false),
    [`${prefix}LessThanEquals`]: make((a, b) => a <= b, false),
    [`${prefix}GreaterThan`]: make((a, b) => a > b, false),
    [`${prefix}GreaterThanEquals`]: make((a, b) => a >= b, false),
  };
}

export const NUMERIC_OPERATORS = comparisonFamily('Numeric', parseNumber, 'a number');
