import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../core/index.js';
import { assertUserMetadataSize, assertValidObjectKey, bucketNameProblem, resolveRange } from './index.js';

describe('bucket names', () => {
  const valid = ['abc', 'my-bucket', 'my.bucket.name', 'a1b2c3', '123', 'x'.repeat(63)];
  const invalid = ['ab', 'x'.repeat(64), 'Upper', 'under_score', '-start', 'end-', '.start', 'a..b', 'a.-b', 'a-.b', '10.0.0.1', 'xn--abc', 'sthree-x', 'abc-s3alias', 'abc--ol-s3', 'a b'];
  for (const name of valid) it(`accepts '${name.slice(0, 20)}'`, () => assert.equal(bucketNameProblem(name), undefined));
  for (const name of invalid) it(`refuses '${name.slice(0, 20)}'`, () => assert.ok(bucketNameProblem(name)));
});

describe('object keys', () => {
  it('accepts exactly 1024 bytes and refuses 1025', () => {
    assertValidObjectKey('k'.repeat(1024));
    assert.throws(() => assertValidObjectKey('k'.repeat(1025)), (e: AppError) => e.code === 'KeyTooLongError');
  });
  it('counts UTF-8 bytes, not characters', () => {
    assert.throws(() => assertValidObjectKey('é'.repeat(513)), (e: AppError) => e.code === 'KeyTooLongError');
  });
});

describe('user metadata size', () => {
  it('allows 2048 bytes of keys and values and refuses one more', () => {
    assertUserMetadataSize({ k: 'v'.repeat(2047) });
    assert.throws(() => assertUserMetadataSize({ k: 'v'.repeat(2048) }), (e: AppError) => e.code === 'MetadataTooLarge');
  });
});

describe('ranges', () => {
  const cases: Array<[string | undefined, number, [number, number] | undefined | 'error']> = [
    [undefined, 10, undefined],
    ['bytes=0-0', 10, [0, 0]],
    ['bytes=2-5', 10, [2, 5]],
    ['bytes=2-', 10, [2, 9]],
    ['bytes=-3', 10, [7, 9]],
    ['bytes=-30', 10, [0, 9]],
    ['bytes=5-100', 10, [5, 9]],
    ['bytes=10-', 10, 'error'],
    ['bytes=-0', 10, 'error'],
    ['bytes=0-', 0, 'error'],
    ['bytes=5-2', 10, undefined],
    ['bytes=1-2,4-5', 10, undefined],
    ['items=1-2', 10, undefined],
    ['bytes=abc', 10, undefined],
  ];
  for (const [header, size, expected] of cases) {
    it(`reads ${String(header)} on ${size} bytes as ${JSON.stringify(expected)}`, () => {
      if (expected === 'error') {
        assert.throws(() => resolveRange(header, size), (e: AppError) => e.code === 'InvalidRange' && e.headers?.['content-range'] === `bytes */${size}`);
      } else {
        const range = resolveRange(header, size);
        assert.deepEqual(range && [range.start, range.end], expected);
      }
    });
  }
});
