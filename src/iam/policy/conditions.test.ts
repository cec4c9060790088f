import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, parsePolicy } from './index.js';

type Ctx = Record<string, string[]>;

/** Does an Allow statement carrying `condition` apply to a request with `ctx`? */
function holds(condition: Record<string, unknown>, ctx: Ctx): boolean {
  const policy = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition }] }), 'identity');
  const d = evaluate([{ label: 't', policy }], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', principal: undefined, context: new Map(Object.entries(ctx)) });
  return d.effect === 'Allow';
}

const ABSENT: Ctx = {};
type Case = [string, Record<string, unknown>, Ctx, boolean];

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    for (const [what, condition, ctx, expected] of cases) {
      it(`${what} → ${expected}`, () => assert.equal(holds(condition, ctx), expected));
    }
  });
}

const user = (...v: string[]): Ctx => ({ 'aws:username': v });
const prefix = (...v: string[]): Ctx => ({ 's3:prefix': v });
const keys = (...v: string[]): Ctx => ({ 's3:max-keys': v });
const now = (...v: string[]): Ctx => ({ 'aws:currenttime': v });
const ip = (...v: string[]): Ctx => ({ 'aws:sourceip': v });
const arn = (...v: string[]): Ctx => ({ 'aws:principalarn': v });
const tags = (...v: string[]): Ctx => ({ 'aws:tagkeys': v });

table('string operators', [
  ['StringEquals with the value present', { StringEquals: { 'aws:username': 'alice' } }, user('alice'), true],
  ['StringEquals with another value', { StringEquals: { 'aws:username': 'alice' } }, user('bob'), false],
  ['StringEquals is case-sensitive in values', { StringEquals: { 'aws:username': 'alice' } }, user('Alice'), false],
  ['StringEquals on an absent key', { StringEquals: { 'aws:username': 'alice' } }, ABSENT, false],
  ['StringEquals on a key present with no values', { StringEquals: { 'aws:username': 'alice' } }, user(), false],
  ['StringEquals with a multi-valued request key (any value matches)', { StringEquals: { 'aws:username': 'alice' } }, user('bob', 'alice'), true],
  ['StringEquals ORs its policy values', { StringEquals: { 'aws:username': ['bob', 'alice'] } }, user('alice'), true],
  ['StringEquals compares key names case-insensitively', { StringEquals: { 'AWS:UserName': 'alice' } }, user('alice'), true],
  ['StringEquals treats * literally', { StringEquals: { 'aws:username': 'a*' } }, user('abc'), false],
  ['StringEquals matches a literal *', { StringEquals: { 'aws:username': 'a*' } }, user('a*'), true],
  ['StringNotEquals with another value', { StringNotEquals: { 'aws:username': 'alice' } }, user('bob'), true],
  ['StringNotEquals with the value', { StringNotEquals: { 'aws:username': 'alice' } }, user('alice'), false],
  ['StringNotEquals on an absent key (AWS: true)', { StringNotEquals: { 'aws:username': 'alice' } }, ABSENT, true],
  ['StringNotEquals with a multi-valued key containing the value', { StringNotEquals: { 'aws:username': 'alice' } }, user('bob', 'alice'), false],
  ['StringNotEquals with several policy values (none may match)', { StringNotEquals: { 'aws:username': ['alice', 'bob'] } }, user('bob'), false],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, user('alice'), true],
  ['StringEqualsIgnoreCase on an absent key', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, ABSENT, false],
  ['StringNotEqualsIgnoreCase with the value in another case', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, user('Alice'), false],
  ['StringNotEqualsIgnoreCase with another value', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, user('bob'), true],
  ['StringNotEqualsIgnoreCase on an absent key', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, ABSENT, true],
  ['StringLike with * crossing /', { StringLike: { 's3:prefix': 'home/*' } }, prefix('home/a/b'), true],
  ['StringLike not matching', { StringLike: { 's3:prefix': 'home/*' } }, prefix('homework'), false],
  ['StringLike with ? (exactly one character)', { StringLike: { 's3:prefix': 'home/?' } }, prefix('home/ab'), false],
  ['StringLike with ? matching one character', { StringLike: { 's3:prefix': 'home/?' } }, prefix('home/a'), true],
  ['StringLike on an absent key', { StringLike: { 's3:prefix': '*' } }, ABSENT, false],
  ['StringLike "*" on an empty string value', { StringLike: { 's3:prefix': '*' } }, prefix(''), true],
  ['StringNotLike not matching', { StringNotLike: { 's3:prefix': 'home/*' } }, prefix('other'), true],
  ['StringNotLike matching', { StringNotLike: { 's3:prefix': 'home/*' } }, prefix('home/x'), false],
  ['StringNotLike on an absent key', { StringNotLike: { 's3:prefix': 'home/*' } }, ABSENT, true],
  ['tag keys after / keep their case', { StringEquals: { 's3:ExistingObjectTag/Project': 'x' } }, { 's3:existingobjecttag/Project': ['x'] }, true],
  ['tag keys after / are case-sensitive', { StringEquals: { 's3:ExistingObjectTag/Project': 'x' } }, { 's3:existingobjecttag/project': ['x'] }, false],
]);

table('numeric operators', [
  ['NumericLessThan below', { NumericLessThan: { 's3:max-keys': 100 } }, keys('10'), true],
  ['NumericLessThan equal', { NumericLessThan: { 's3:max-keys': '100' } }, keys('100'), false],
  ['NumericLessThan with a decimal', { NumericLessThan: { 's3:max-keys': '100' } }, keys('99.5'), true],
  ['NumericLessThan with a non-number request value', { NumericLessThan: { 's3:max-keys': '100' } }, keys('abc'), false],
  ['NumericLessThan on an absent key', { NumericLessThan: { 's3:max-keys': '100' } }, ABSENT, false],
  ['NumericLessThanEquals equal', { NumericLessThanEquals: { 's3:max-keys': '100' } }, keys('100'), true],
  ['NumericGreaterThan above', { NumericGreaterThan: { 's3:max-keys': '10' } }, keys('11'), true],
  ['NumericGreaterThan equal', { NumericGreaterThan: { 's3:max-keys': '10' } }, keys('10'), false],
  ['NumericGreaterThanEquals equal', { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, keys('10'), true],
  ['NumericEquals 10 vs 10.0', { NumericEquals: { 's3:max-keys': '10' } }, keys('10.0'), true],
  ['NumericEquals different', { NumericEquals: { 's3:max-keys': '10' } }, keys('11'), false],
  ['NumericEquals ORs policy values', { NumericEquals: { 's3:max-keys': ['5', '11'] } }, keys('11'), true],
  ['NumericNotEquals different', { NumericNotEquals: { 's3:max-keys': '10' } }, keys('11'), true],
  ['NumericNotEquals equal', { NumericNotEquals: { 's3:max-keys': '10' } }, keys('10'), false],
  ['NumericNotEquals on an absent key', { NumericNotEquals: { 's3:max-keys': '10' } }, ABSENT, true],
  ['NumericNotEquals on a non-number request value (NOT of the positive form)', { NumericNotEquals: { 's3:max-keys': '10' } }, keys('x'), true],
  ['NumericGreaterThanIfExists on an absent key', { NumericGreaterThanIfExists: { 's3:max-keys': '10' } }, ABSENT, true],
  ['NumericGreaterThanIfExists present and below', { NumericGreaterThanIfExists: { 's3:max-keys': '10' } }, keys('5'), false],
  ['NumericLessThan with a multi-valued key (any value)', { NumericLessThan: { 's3:max-keys': '10' } }, keys('50', '5'), true],
]);

table('date operators', [
  ['DateLessThan before', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('2029-12-31T23:59:59Z'), true],
  ['DateLessThan equal', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('2030-01-01T00:00:00Z'), false],
  ['DateLessThan with an unparsable request value', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('soon'), false],
  ['DateLessThan on an absent key', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, ABSENT, false],
  ['DateLessThanEquals equal', { DateLessThanEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('2030-01-01T00:00:00.000Z'), true],
  ['DateGreaterThan after', { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01' } }, now('2030-01-01T00:00:01Z'), true],
  ['DateGreaterThanEquals equal, offsets honoured', { DateGreaterThanEquals: { 'aws:CurrentTime': '2030-01-01T01:00:00+01:00' } }, now('2030-01-01T00:00:00Z'), true],
  ['DateEquals across zones', { DateEquals: { 'aws:CurrentTime': '2030-01-01T01:00:00+01:00' } }, now('2030-01-01T00:00:00Z'), true],
  ['DateEquals different', { DateEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('2030-01-01T00:00:01Z'), false],
  ['DateNotEquals on an absent key', { DateNotEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, ABSENT, true],
  ['DateNotEquals equal', { DateNotEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, now('2030-01-01T00:00:00Z'), false],
  ['DateGreaterThan with epoch seconds on both sides', { DateGreaterThan: { 'aws:EpochTime': '1700000000' } }, { 'aws:epochtime': ['1700000001'] }, true],
  ['DateLessThan ISO policy vs epoch request (equal instant)', { DateLessThan: { 'aws:EpochTime': '2030-01-01T00:00:00Z' } }, { 'aws:epochtime': ['1893456000'] }, false],
  ['DateLessThan ISO policy vs epoch request (one second before)', { DateLessThan: { 'aws:EpochTime': '2030-01-01T00:00:00Z' } }, { 'aws:epochtime': ['1893455999'] }, true],
  ['DateLessThanIfExists on an absent key', { DateLessThanIfExists: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' } }, ABSENT, true],
]);

table('Bool, BinaryEquals and Null', [
  ['Bool true with true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:securetransport': ['true'] }, true],
  ['Bool true (JSON boolean) with true', { Bool: { 'aws:SecureTransport': true } }, { 'aws:securetransport': ['true'] }, true],
  ['Bool true with false', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:securetransport': ['false'] }, false],
  ['Bool is case-insensitive', { Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:securetransport': ['True'] }, true],
  ['Bool false on an absent key (AWS: false — use BoolIfExists)', { Bool: { 'aws:SecureTransport': 'false' } }, ABSENT, false],
  ['BoolIfExists false on an absent key', { BoolIfExists: { 'aws:SecureTransport': 'false' } }, ABSENT, true],
  ['BinaryEquals equal bytes', { BinaryEquals: { 'aws:x': 'YWJj' } }, { 'aws:x': ['YWJj'] }, true],
  ['BinaryEquals different bytes', { BinaryEquals: { 'aws:x': 'YWJj' } }, { 'aws:x': ['YWJk'] }, false],
  ['BinaryEquals ignores padding differences', { BinaryEquals: { 'aws:x': 'YWI=' } }, { 'aws:x': ['YWI'] }, true],
  ['BinaryEquals with a non-base64 request value', { BinaryEquals: { 'aws:x': 'YWJj' } }, { 'aws:x': ['abc!'] }, false],
  ['BinaryEquals on an absent key', { BinaryEquals: { 'aws:x': 'YWJj' } }, ABSENT, false],
  ['Null true on an absent key', { Null: { 's3:x-amz-server-side-encryption': 'true' } }, ABSENT, true],
  ['Null true on an empty key', { Null: { 's3:x-amz-server-side-encryption': 'true' } }, { 's3:x-amz-server-side-encryption': [] }, true],
  ['Null true on a present key', { Null: { 's3:x-amz-server-side-encryption': 'true' } }, { 's3:x-amz-server-side-encryption': ['AES256'] }, false],
  ['Null false on a present key', { Null: { 's3:x-amz-server-side-encryption': false } }, { 's3:x-amz-server-side-encryption': ['AES256'] }, true],
  ['Null false on an absent key', { Null: { 's3:x-amz-server-side-encryption': 'false' } }, ABSENT, false],
]);

table('IP address operators', [
  ['IpAddress inside an IPv4 CIDR', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('10.1.2.3'), true],
  ['IpAddress outside an IPv4 CIDR', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('11.0.0.1'), false],
  ['IpAddress with a /20 boundary inside', { IpAddress: { 'aws:SourceIp': '172.16.16.0/20' } }, ip('172.16.31.255'), true],
  ['IpAddress with a /20 boundary outside', { IpAddress: { 'aws:SourceIp': '172.16.16.0/20' } }, ip('172.16.32.0'), false],
  ['IpAddress with host bits set in the CIDR', { IpAddress: { 'aws:SourceIp': '10.0.0.1/8' } }, ip('10.9.9.9'), true],
  ['IpAddress with a bare IPv4 (= /32)', { IpAddress: { 'aws:SourceIp': '192.168.1.1' } }, ip('192.168.1.1'), true],
  ['IpAddress with a bare IPv4, other address', { IpAddress: { 'aws:SourceIp': '192.168.1.1' } }, ip('192.168.1.2'), false],
  ['IpAddress with an IPv4-mapped IPv6 request address', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('::ffff:10.1.2.3'), true],
  ['IpAddress inside an IPv6 CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, ip('2001:db8:1::1'), true],
  ['IpAddress outside an IPv6 CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, ip('2001:db9::1'), false],
  ['IpAddress with a bare IPv6', { IpAddress: { 'aws:SourceIp': '::1' } }, ip('0:0:0:0:0:0:0:1'), true],
  ['IpAddress 0.0.0.0/0 does not match IPv6', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, ip('::1'), false],
  ['IpAddress ::/0 matches IPv6', { IpAddress: { 'aws:SourceIp': '::/0' } }, ip('fe80::1'), true],
  ['IpAddress ORs CIDRs', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } }, ip('2001:db8::5'), true],
  ['IpAddress with an unparsable request address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, ip('not-an-ip'), false],
  ['IpAddress on an absent key', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, ABSENT, false],
  ['NotIpAddress outside', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('11.0.0.1'), true],
  ['NotIpAddress inside', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('10.0.0.1'), false],
  ['NotIpAddress on an absent key', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ABSENT, true],
  ['NotIpAddress with an unparsable request address', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, ip('garbage'), true],
  ['IpAddressIfExists on an absent key', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, ABSENT, true],
]);

table('ARN operators', [
  ['ArnLike with wildcards in account and resource', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' } }, arn('arn:aws:iam::000000000000:role/admin-x'), true],
  ['ArnLike with another resource type', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' } }, arn('arn:aws:iam::000000000000:user/admin-x'), false],
  ['ArnEquals also honours wildcards (AWS)', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/r' } }, arn('arn:aws:iam::000000000000:role/r'), true],
  ['ArnLike: a wildcard does not cross a colon between parts', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/r' } }, arn('arn:aws:iam::0:1:role/r'), false],
  ['ArnLike: the resource part may contain colons', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:s3:::b/*' } }, arn('arn:aws:s3:::b/a:b'), true],
  ['ArnLike with a non-ARN request value', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:*' } }, arn('alice'), false],
  ['ArnLike on an absent key', { ArnLike: { 'aws:PrincipalArn': 'arn:*:*:*:*:*' } }, ABSENT, false],
  ['ArnNotLike matching', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, arn('arn:aws:iam::000000000000:role/x'), false],
  ['ArnNotLike not matching', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, arn('arn:aws:iam::000000000000:user/x'), true],
  ['ArnNotEquals on an absent key', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, ABSENT, true],
]);

table('set qualifiers and IfExists', [
  ['ForAllValues:StringEquals, every value allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, tags('a', 'b'), true],
  ['ForAllValues:StringEquals, one value not allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, tags('a', 'c'), false],
  ['ForAllValues:StringEquals on an absent key (vacuous truth)', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, ABSENT, true],
  ['ForAllValues:StringEquals on an empty key (vacuous truth)', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, tags(), true],
  ['ForAnyValue:StringEquals, one value matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, tags('c', 'a'), true],
  ['ForAnyValue:StringEquals, none matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, tags('c'), false],
  ['ForAnyValue:StringEquals on an absent key', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, ABSENT, false],
  ['ForAllValues:StringNotEquals, no value forbidden', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['a'] } }, tags('b', 'c'), true],
  ['ForAllValues:StringNotEquals, a forbidden value present', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['a'] } }, tags('a', 'b'), false],
  ['ForAllValues:StringNotEquals on an absent key', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['a'] } }, ABSENT, true],
  ['ForAnyValue:StringNotEquals, some value differs', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, tags('a', 'b'), true],
  ['ForAnyValue:StringNotEquals, every value forbidden', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, tags('a'), false],
  ['ForAnyValue:StringNotEquals on an absent key', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, ABSENT, false],
  ['ForAllValues:StringLike, every value matches', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'team-*' } }, tags('team-a', 'team-b'), true],
  ['ForAllValues:StringLike, one value does not', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'team-*' } }, tags('team-a', 'cost'), false],
  ['ForAnyValue:NumericLessThan', { 'ForAnyValue:NumericLessThan': { 's3:max-keys': '10' } }, keys('20', '5'), true],
  ['ForAllValues:NumericLessThan', { 'ForAllValues:NumericLessThan': { 's3:max-keys': '10' } }, keys('20', '5'), false],
  ['ForAnyValue:IpAddress', { 'ForAnyValue:IpAddress': { 'aws:SourceIp': '10.0.0.0/8' } }, ip('1.1.1.1', '10.0.0.1'), true],
  ['ForAllValues:StringEqualsIfExists on an absent key', { 'ForAllValues:StringEqualsIfExists': { 'aws:TagKeys': 'a' } }, ABSENT, true],
  ['ForAnyValue:StringEqualsIfExists on an absent key', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' } }, ABSENT, true],
  ['StringEqualsIfExists on an absent key', { StringEqualsIfExists: { 'aws:username': 'alice' } }, ABSENT, true],
  ['StringEqualsIfExists present and equal', { StringEqualsIfExists: { 'aws:username': 'alice' } }, user('alice'), true],
  ['StringEqualsIfExists present and different', { StringEqualsIfExists: { 'aws:username': 'alice' } }, user('bob'), false],
  ['StringNotEqualsIfExists present and equal', { StringNotEqualsIfExists: { 'aws:username': 'alice' } }, user('alice'), false],
  ['ArnLikeIfExists on an absent key', { ArnLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, ABSENT, true],
  ['BinaryEqualsIfExists on an absent key', { BinaryEqualsIfExists: { 'aws:x': 'YWJj' } }, ABSENT, true],
]);

table('combining clauses', [
  ['two keys under one operator, both hold', { StringEquals: { 'aws:username': 'alice', 's3:prefix': 'p' } }, { ...user('alice'), ...prefix('p') }, true],
  ['two keys under one operator, one absent', { StringEquals: { 'aws:username': 'alice', 's3:prefix': 'p' } }, user('alice'), false],
  ['two operators, one fails', { StringEquals: { 'aws:username': 'alice' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { ...user('alice'), ...ip('11.0.0.1') }, false],
  ['two operators, both hold', { StringEquals: { 'aws:username': 'alice' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { ...user('alice'), ...ip('10.0.0.1') }, true],
  ['an unknown key is simply absent', { StringEquals: { 'coffer:nothing': 'x' } }, user('x'), false],
]);
