import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonPrefixOf, compareUtf8, prefixUpperBound } from './key-range.js';

const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('UTF-8 key order', () => {
  it('compares strings the way their UTF-8 bytes compare, unlike JavaScript', () => {
    const samples = ['', 'a', 'a/', 'ab', 'B', '_', 'é', '\uE000', '\uFFFF', 'ｚ', '😀', '😀a', '\u{10FFFF}', 'a\u0000'];
    for (const a of samples) for (const b of samples) assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(utf8(a, b)), `${a} vs ${b}`);
    assert.ok('😀' < 'ｚ', 'JavaScript puts the emoji first');
    assert.ok(compareUtf8('ｚ', '😀') < 0);
  });
});

describe('prefix upper bound', () => {
  const cases: Array<[string, string | undefined]> = [
    ['', undefined],
    ['a', 'b'],
    ['a/', 'a0'],
    ['é', 'ê'],
    ['a\uD7FF', 'a\uE000'],
    ['x\uFFFF', 'x\u{10000}'],
    ['x😀', 'x😁'],
    ['x\u{10FFFF}', 'y'],
    ['\u{10FFFF}\u{10FFFF}', undefined],
  ];
  for (const [prefix, bound] of cases) {
    it(`bounds ${JSON.stringify(prefix)} by ${JSON.stringify(bound)}`, () => assert.equal(prefixUpperBound(prefix), bound));
  }

  it('is above every key with the prefix and below every greater key without it', () => {
    const keys = ['a', 'a/', 'a/\u{10FFFF}', 'a/😀', 'a/ｚ', 'a0', 'a.', 'b', 'a/\uFFFF\uFFFF'];
    const bound = prefixUpperBound('a/') ?? '';
    for (const key of keys) {
      const under = key.startsWith('a/');
      if (under) assert.ok(utf8(key, bound) < 0, key);
      else if (utf8(key, 'a/') > 0) assert.ok(utf8(key, bound) >= 0, key);
    }
  });
});

describe('common prefix of a key', () => {
  it('cuts at the first delimiter after the prefix, delimiter included', () => {
    assert.equal(commonPrefixOf('a/b/c', '', '/'), 'a/');
    assert.equal(commonPrefixOf('a/b/c', 'a/', '/'), 'a/b/');
    assert.equal(commonPrefixOf('xabyab', 'x', 'ab'), 'xab');
    assert.equal(commonPrefixOf('xab', 'xa', 'ab'), undefined, 'a delimiter overlapping the prefix does not count');
    assert.equal(commonPrefixOf('a//b', 'a/', '/'), 'a//');
    assert.equal(commonPrefixOf('abc', '', ''), undefined);
  });
});
