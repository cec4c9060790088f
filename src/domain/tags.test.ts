import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../core/index.js';
import { parseTaggingHeader, validateTagSet } from './tags.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'unexpected';
  }
};

describe('tag rules', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['a plain pair', 'a=b', undefined],
    ['a key without "=" (empty value)', 'flag', undefined],
    ['an emoji value (not a letter, digit or allowed symbol)', 'a+b=c%20d&%C3%BC=%F0%9F%98%80', 'InvalidTag'],
    ['Unicode letters', '%C3%BC=%C3%A9t%C3%A9', undefined],
    ['a raw "=" in a value', 'a=b=c', 'InvalidArgument'],
    ['a duplicate key', 'a=1&a=2', 'InvalidArgument'],
    ['a broken escape', 'a=%E0%A4%A', 'InvalidArgument'],
    ['an aws: key', 'aws%3Aname=v', 'InvalidTag'],
    ['an AWS: key in capitals', 'AWS%3Aname=v', 'InvalidTag'],
    ['an empty key', '=v', 'InvalidTag'],
    ['11 tags', Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&'), 'TooManyTags'],
    ['a 129-character key', `${'k'.repeat(129)}=v`, 'InvalidTag'],
    ['a 257-character value', `k=${'v'.repeat(257)}`, 'InvalidTag'],
  ];
  for (const [what, header, expected] of cases) {
    it(`x-amz-tagging with ${what}: ${expected ?? 'accepted'}`, () => assert.equal(code(() => parseTaggingHeader(header)), expected));
  }
  it('sorts a tag set by key and allows 50 on a bucket but not 51', () => {
    assert.deepEqual(validateTagSet([{ key: 'b', value: '' }, { key: 'a', value: '' }], 'object').map((t) => t.key), ['a', 'b']);
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: '' }));
    assert.equal(code(() => validateTagSet(tags(50), 'bucket')), undefined);
    assert.equal(code(() => validateTagSet(tags(51), 'bucket')), 'TooManyTags');
  });
});
