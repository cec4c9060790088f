/**
 * Strict JSON for admin request bodies. JSON.parse accepts duplicate keys (the last one wins),
 * which lets two parsers of the same body disagree ({"user":"a","user":"root"}); this parser
 * refuses them, refuses nesting deeper than `maxDepth`, and builds objects without a prototype
 * so no key ("__proto__" included) can reach Object.prototype. Syntax is RFC 8259 exactly:
 * string and number literals are matched by anchored regexes and decoded by JSON.parse.
 * Input is bounded by the caller (the body cap) before it gets here.
 */
import { AppError } from '../../core/index.js';

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function parseStrictJson(text: string, maxDepth = 16): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new AppError('InvalidInput', { message: `The request body is not valid JSON: ${what} at offset ${at}.` });
  };
  const space = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const literal = (pattern: RegExp, what: string): string => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null) return fail(`malformed ${what}`);
    at = pattern.lastIndex;
    return match[0];
  };
  const word = <T>(name: string, result: T): T => {
    if (!text.startsWith(name, at)) fail('unexpected character');
    at += name.length;
    return result;
  };
  const value = (depth: number): JsonValue => {
    space();
    const c = text[at];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail('nesting too deep');
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return JSON.parse(literal(STRING, 'string')) as string;
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return JSON.parse(literal(NUMBER, 'number')) as number;
    if (c === 't') return word('true', true);
    if (c === 'f') return word('false', false);
    if (c === 'n') return word('null', null);
    return fail(c === undefined ? 'unexpected end' : 'unexpected character');
  };
  const object = (depth: number): JsonValue => {
    const out = Object.create(null) as Record<string, JsonValue>;
    const seen = new Set<string>();
    at++;
    space();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      space();
      if (text[at] !== '"') fail('expected a key');
      const key = JSON.parse(literal(STRING, 'string')) as string;
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key.slice(0, 64))}`);
      seen.add(key);
      space();
      if (text[at] !== ':') fail("expected ':'");
      at++;
      out[key] = value(depth);
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        return out;
      }
      fail("expected ',' or '}'");
    }
  };
  const array = (depth: number): JsonValue => {
    const out: JsonValue[] = [];
    at++;
    space();
    if (text[at] === ']') {
      at++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') {
        at++;
        return out;
      }
      fail("expected ',' or ']'");
    }
  };
  const result = value(0);
  space();
  if (at !== text.length) fail('trailing characters');
  return result;
}
