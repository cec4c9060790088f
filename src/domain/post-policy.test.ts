import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPostPolicy, parsePostPolicy } from './index.js';

const encode = (doc: unknown): string => Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');
const NOW = new Date('2030-01-01T00:00:00Z');
const LATER = '2030-01-01T01:00:00.000Z';

function check(conditions: unknown[], fields: Record<string, string>, expiration = LATER) {
  return checkPostPolicy(parsePostPolicy(encode({ expiration, conditions })), { now: NOW, bucket: 'b', fields: new Map(Object.entries(fields)) });
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('POST policy documents', () => {
  const malformed: Array<[string, string]> = [
    ['not base64', '%%%'],
    ['not JSON', encode('{nope')],
    ['a JSON array', encode([1])],
    ['no expiration', encode({ conditions: [] })],
    ['an expiration that is not ISO 8601', encode({ expiration: 'tomorrow', conditions: [] })],
    ['no conditions', encode({ expiration: LATER })],
    ['an unknown operator', encode({ expiration: LATER, conditions: [['matches', '$key', 'x']] })],
    ['a field reference without $', encode({ expiration: LATER, conditions: [['eq', 'key', 'x']] })],
    ['a simple condition with two properties', encode({ expiration: LATER, conditions: [{ a: '1', b: '2' }] })],
    ['a content-length-range with min above max', encode({ expiration: LATER, conditions: [['content-length-range', 10, 1]] })],
    ['a negative content-length-range', encode({ expiration: LATER, conditions: [['content-length-range', -1, 1]] })],
  ];
  for (const [name, policy] of malformed) {
    it(`refuses a policy with ${name} as InvalidPolicyDocument`, () => {
      assert.equal(code(() => parsePostPolicy(policy)), 'InvalidPolicyDocument');
    });
  }

  it('is expired at and after its expiration instant', () => {
    assert.throws(() => check([], {}, NOW.toISOString()), /Policy expired/);
  });

  const table: Array<[string, unknown[], Record<string, string>, boolean]> = [
    ['eq matches exactly', [['eq', '$key', 'a/b']], { key: 'a/b' }, true],
    ['eq is case-sensitive in the value', [['eq', '$key', 'A/b']], { key: 'a/b' }, false],
    ['field names are case-insensitive', [['eq', '$KEY', 'a']], { key: 'a' }, true],
    ['starts-with matches a prefix', [['starts-with', '$key', 'user/']], { key: 'user/x' }, true],
    ['starts-with "" allows any value', [['starts-with', '$key', '']], { key: 'x' }, true],
    ['starts-with refuses another prefix', [['starts-with', '$key', 'user/']], { key: 'admin/x' }, false],
    ['Content-Type starts-with checks every listed type', [['starts-with', '$Content-Type', 'image/']], { 'content-type': 'image/png,image/gif' }, true],
    ['bucket is the URL bucket', [{ bucket: 'b' }], {}, true],
    ['bucket refuses another bucket', [{ bucket: 'c' }], {}, false],
    ['a missing field fails eq', [{ 'x-amz-meta-a': 'x' }], {}, false],
    ['an uncovered field is refused', [], { 'x-amz-meta-a': 'x' }, false],
    ['x-ignore- fields, policy, file and x-amz-signature need no condition', [], { 'x-ignore-a': '1', policy: 'p', 'x-amz-signature': 's', file: 'f' }, true],
  ];
  for (const [name, conditions, fields, allowed] of table) {
    it(`${name}`, () => {
      if (allowed) check(conditions, fields);
      else assert.equal(code(() => check(conditions, fields)), 'AccessDenied');
    });
  }

  it('returns the tightest content-length-range', () => {
    assert.deepEqual(check([['content-length-range', 1, 100], ['content-length-range', '5', '50']], {}).lengthRange, { min: 5, max: 50 });
  });
});
