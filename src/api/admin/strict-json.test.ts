import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../core/index.js';
import { parseStrictJson } from './strict-json.js';

const refuses = (text: string, pattern?: RegExp): void => {
  assert.throws(() => parseStrictJson(text), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'InvalidInput');
    if (pattern) assert.match(error.message, pattern);
    return true;
  }, text);
};

describe('strict JSON', () => {
  it('parses what JSON.parse parses, the same way', () => {
    for (const text of ['{"a":1,"b":[true,false,null],"c":{"d":"e\\u00e9\\n"}}', '[]', '{}', '"x"', '-1.5e3', ' { "a" : [ 1 , 2 ] } ']) {
      assert.deepEqual(JSON.parse(JSON.stringify(parseStrictJson(text))), JSON.parse(text), text);
    }
  });

  it('refuses duplicate keys, naming the key', () => {
    refuses('{"user":"a","user":"root"}', /duplicate key "user"/);
    refuses('{"a":{"b":1,"b":2}}', /duplicate key "b"/);
  });

  it('refuses what RFC 8259 refuses', () => {
    for (const text of ['', '{', '{"a":1,}', '[1,]', "{'a':1}", '{"a":01}', '{"a":1} x', 'NaN', '{"a":"\u0001"}', '{"a":"\\x41"}', 'tru', '{a:1}', '+1', '.5']) refuses(text);
  });

  it('refuses nesting deeper than the limit', () => {
    refuses(`${'['.repeat(17)}${']'.repeat(17)}`, /nesting too deep/);
    assert.doesNotThrow(() => parseStrictJson(`${'['.repeat(16)}${']'.repeat(16)}`));
  });

  it('builds objects without a prototype, so __proto__ is just a key', () => {
    const parsed = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), null);
    assert.deepEqual(Object.keys(parsed), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
