import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError, evaluate, parsePolicy } from './index.js';

type Ctx = Record<string, string[]>;

function allowed(statement: Record<string, unknown>, resource: string, ctx: Ctx, version = '2012-10-17'): boolean {
  const policy = parsePolicy(JSON.stringify({ Version: version, Statement: [{ Effect: 'Allow', Action: 's3:*', ...statement }] }), 'identity');
  return evaluate([{ label: 't', policy }], { action: 's3:GetObject', resource, principal: undefined, context: new Map(Object.entries(ctx)) }).effect === 'Allow';
}

const home = { Resource: 'arn:aws:s3:::b/${aws:username}/*' };
const obj = (key: string): string => `arn:aws:s3:::b/${key}`;

describe('policy variables in Resource', () => {
  const cases: Array<[string, Record<string, unknown>, string, Ctx, boolean]> = [
    ["grants a user its own prefix", home, obj('alice/x'), { 'aws:username': ['alice'] }, true],
    ["does not grant another user's prefix", home, obj('bob/x'), { 'aws:username': ['alice'] }, false],
    ['a username "*" does not widen the grant', home, obj('bob/x'), { 'aws:username': ['*'] }, false],
    ['a username "*" matches only a literal "*" segment', home, obj('*/x'), { 'aws:username': ['*'] }, true],
    ['a username "?" does not match one character', home, obj('b/x'), { 'aws:username': ['?'] }, false],
    ['a username "a*" does not match "abc"', home, obj('abc/x'), { 'aws:username': ['a*'] }, false],
    ['a username containing ${…} is not expanded again', home, obj('bob/x'), { 'aws:username': ['${aws:userid}'], 'aws:userid': ['bob'] }, false],
    ['a username containing ${…} matches only literally', home, obj('${aws:userid}/x'), { 'aws:username': ['${aws:userid}'], 'aws:userid': ['bob'] }, true],
    ['an absent variable matches nothing', home, obj('alice/x'), {}, false],
    ['an absent variable does not match its own literal text', home, obj('${aws:username}/x'), {}, false],
    ['an empty value counts as absent (never collapses to "")', home, obj('/x'), { 'aws:username': [''] }, false],
    ['only the first context value is used', home, obj('bob/x'), { 'aws:username': ['alice', 'bob'] }, false],
    ['the default value applies when absent', { Resource: "arn:aws:s3:::b/${aws:username, 'guest'}/*" }, obj('guest/x'), {}, true],
    ['the default value is ignored when present', { Resource: "arn:aws:s3:::b/${aws:username, 'guest'}/*" }, obj('guest/x'), { 'aws:username': ['alice'] }, false],
    ['a default value "*" is literal', { Resource: "arn:aws:s3:::b/${aws:username, '*'}/x" }, obj('anyone/x'), {}, false],
    ['${*} is a literal star', { Resource: 'arn:aws:s3:::b/${*}' }, obj('x'), {}, false],
    ['${*} matches a literal star', { Resource: 'arn:aws:s3:::b/${*}' }, obj('*'), {}, true],
    ['${?} is a literal question mark', { Resource: 'arn:aws:s3:::b/a${?}' }, obj('ab'), {}, false],
    ['${$} is a literal dollar', { Resource: 'arn:aws:s3:::b/${$}x' }, obj('$x'), {}, true],
    ['tag variables keep the tag-key case', { Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/Team}/*' }, obj('red/x'), { 'aws:principaltag/Team': ['red'] }, true],
    ['several variables in one pattern', { Resource: 'arn:aws:s3:::b/${aws:username}/${aws:userid}' }, obj('alice/u1'), { 'aws:username': ['alice'], 'aws:userid': ['u1'] }, true],
    ['a variable inside a general wildcard pattern', { Resource: 'arn:aws:s3:::b/${aws:username}/*.txt' }, obj('alice/d/x.txt'), { 'aws:username': ['alice'] }, true],
    ['a variable inside a general wildcard pattern, other user', { Resource: 'arn:aws:s3:::b/${aws:username}/*.txt' }, obj('bob/d/x.txt'), { 'aws:username': ['alice'] }, false],
    ['an exact pattern with a variable', { Resource: 'arn:aws:s3:::b/${aws:username}' }, obj('alice'), { 'aws:username': ['alice'] }, true],
    ['NotResource with an unresolved variable excludes nothing', { NotResource: 'arn:aws:s3:::b/${aws:username}/*' }, obj('x/y'), {}, true],
    ['2008-10-17: ${…} is plain text', home, obj('${aws:username}/x'), { 'aws:username': ['alice'] }, true],
    ['2008-10-17: ${…} is not substituted', home, obj('alice/x'), { 'aws:username': ['alice'] }, false],
  ];
  for (const [what, statement, resource, ctx, expected] of cases) {
    const version = what.startsWith('2008') ? '2008-10-17' : '2012-10-17';
    it(`${what} → ${expected}`, () => assert.equal(allowed(statement, resource, ctx, version), expected));
  }
});

describe('policy variables in conditions', () => {
  const cond = (condition: Record<string, unknown>) => ({ Resource: '*', Condition: condition });
  const cases: Array<[string, Record<string, unknown>, Ctx, boolean]> = [
    ['StringLike s3:prefix with the own prefix', { StringLike: { 's3:prefix': '${aws:username}/*' } }, { 'aws:username': ['alice'], 's3:prefix': ['alice/x'] }, true],
    ['StringLike s3:prefix with another prefix', { StringLike: { 's3:prefix': '${aws:username}/*' } }, { 'aws:username': ['alice'], 's3:prefix': ['bob/x'] }, false],
    ['StringLike: a username "*" cannot match every prefix', { StringLike: { 's3:prefix': '${aws:username}/*' } }, { 'aws:username': ['*'], 's3:prefix': ['bob/x'] }, false],
    ['StringLike: an absent variable matches nothing', { StringLike: { 's3:prefix': '${aws:username}*' } }, { 's3:prefix': ['x'] }, false],
    ['StringLike keeps the other values when one is unresolved', { StringLike: { 's3:prefix': ['${aws:username}/*', 'public/*'] } }, { 's3:prefix': ['public/x'] }, true],
    ['StringEquals with a variable', { StringEquals: { 's3:prefix': '${aws:username}' } }, { 'aws:username': ['alice'], 's3:prefix': ['alice'] }, true],
    ['StringEquals with an unresolved variable', { StringEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': ['${aws:username}'] }, false],
    ['StringNotEquals with an unresolved variable (nothing matches → NOT is true)', { StringNotEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': ['x'] }, true],
    ['StringEqualsIgnoreCase with a variable', { StringEqualsIgnoreCase: { 'aws:PrincipalTag/Team': '${aws:ResourceTag/Team}' } }, { 'aws:principaltag/Team': ['RED'], 'aws:resourcetag/Team': ['red'] }, true],
    ['ArnLike with a variable', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/${aws:username}' } }, { 'aws:username': ['alice'], 'aws:principalarn': ['arn:aws:iam::000000000000:user/alice'] }, true],
    ['ArnLike with a variable containing ":" stays inside its part', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:username}:user/x' } }, { 'aws:username': ['1:2'], 'aws:principalarn': ['arn:aws:iam::1:2:user/x'] }, false],
  ];
  for (const [what, condition, ctx, expected] of cases) {
    it(`${what} → ${expected}`, () => assert.equal(allowed(cond(condition), obj('k'), ctx), expected));
  }

  it('does not substitute variables in numeric, date or IP values (they are refused at parse time)', () => {
    for (const condition of [{ NumericEquals: { 's3:max-keys': '${aws:username}' } }, { DateLessThan: { 'aws:CurrentTime': '${aws:CurrentTime}' } }, { IpAddress: { 'aws:SourceIp': '${aws:SourceIp}' } }]) {
      assert.throws(() => allowed(cond(condition), obj('k'), {}), PolicyError, JSON.stringify(condition));
    }
  });
});
