import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicPolicy, parsedBucketPolicy } from './bucket-policy.js';

const read = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const text = (...Statement: Array<Record<string, unknown>>) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('bucket policy status', () => {
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['an unconditional Allow to "*"', read, true],
    ['an Allow to {"AWS": "*"}', { ...read, Principal: { AWS: '*' } }, true],
    ['an Allow to a named user', { ...read, Principal: { AWS: 'arn:aws:iam::000000000000:user/app' } }, false],
    ['a Deny to "*"', { ...read, Effect: 'Deny' }, false],
    ['"*" bounded by a /24 source network', { ...read, Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, false],
    ['"*" bounded by a /1 source network', { ...read, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } } }, true],
    ['"*" limited by NotIpAddress', { ...read, Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, true],
    ['"*" bounded by a fixed aws:SourceAccount', { ...read, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }, false],
    ['"*" with a wildcard aws:SourceArn', { ...read, Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:sns:*' } } }, true],
    ['"*" conditioned on a key that does not fix the caller', { ...read, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
  ];
  for (const [what, statement, expected] of cases) {
    it(`${expected ? 'reports' : 'does not report'} ${what} as public`, () => {
      assert.equal(isPublicPolicy(parsedBucketPolicy('b', text(statement))), expected);
    });
  }

  it('parses a stored text once, and reads an unparseable one as deny-everyone rather than ignoring it', () => {
    assert.equal(parsedBucketPolicy('b', text(read)), parsedBucketPolicy('b', text(read)));
    const fallback = parsedBucketPolicy('b', '{"not": "a policy"}');
    assert.deepEqual(fallback.statements.map((s) => [s.effect, s.principal?.any]), [['Deny', true]]);
  });
});
