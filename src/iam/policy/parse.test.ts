import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError, parsePolicy, type PolicyKind } from './index.js';

const V = '2012-10-17';
const doc = (statement: unknown, top: Record<string, unknown> = {}): string => JSON.stringify({ Version: V, Statement: statement, ...top });
const s3Allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const bucketAllow = { ...s3Allow, Principal: '*' };

/** The PolicyError message, or undefined when the document is accepted. */
function failure(text: string, kind: PolicyKind = 'identity', options?: { bucket?: string; maxBytes?: number }): string | undefined {
  try {
    parsePolicy(text, kind, options);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof PolicyError, `not a PolicyError: ${String(error)}`);
    return error.message;
  }
}

describe('parsePolicy: document grammar', () => {
  const cases: Array<[string, string, string]> = [
    ['not JSON', '{"Version":', 'policy: not valid JSON'],
    ['a JSON array', '[]', 'policy: the document must be a JSON object'],
    ['a JSON string', '"x"', 'policy: the document must be a JSON object'],
    ['no Version', JSON.stringify({ Statement: [s3Allow] }), 'Version: missing; use "2012-10-17"'],
    ['an unknown Version', doc([s3Allow], { Version: '2020-01-01' }), 'Version: must be "2012-10-17" (or the legacy "2008-10-17")'],
    ['an unknown top-level field', doc([s3Allow], { ID: 'x' }), 'ID: unknown top-level field "ID"'],
    ['a non-string Id', doc([s3Allow], { Id: 3 }), 'Id: must be a string'],
    ['no Statement', JSON.stringify({ Version: V }), 'Statement: missing'],
    ['an empty Statement array', doc([]), 'Statement: must not be an empty array'],
    ['a string Statement', doc('x'), 'Statement: must be an object or an array of objects'],
    ['a statement that is not an object', doc([s3Allow, 'x']), 'Statement[1]: must be an object'],
    ['an unknown statement field', doc([{ ...s3Allow, Sid: 'ReadOnly', Actions: 'x' }]), 'Statement[0] (Sid "ReadOnly").Actions: unknown field "Actions"'],
    ['a Sid that is too long', doc([{ ...s3Allow, Sid: 'x'.repeat(129) }]), 'Statement[0].Sid: must be a string of at most 128 characters'],
    ['a numeric Sid', doc([{ ...s3Allow, Sid: 1 }]), 'Statement[0].Sid: must be a string of at most 128 characters'],
    ['duplicate Sids', doc([{ ...s3Allow, Sid: 'A' }, { ...s3Allow, Sid: 'A' }]), 'Statement[1] (Sid "A").Sid: duplicate Sid; Sids must be unique in a policy'],
    ['a missing Effect', doc([{ Action: 's3:GetObject', Resource: '*' }]), 'Statement[0].Effect: missing: must be "Allow" or "Deny"'],
    ['a lower-case effect', doc([{ ...s3Allow, Effect: 'allow' }]), 'Statement[0].Effect: must be "Allow" or "Deny"'],
    ['no Action or NotAction', doc([{ Effect: 'Allow', Resource: '*' }]), 'Statement[0].Action: missing: a statement needs Action or NotAction'],
    ['both Action and NotAction', doc([{ ...s3Allow, NotAction: 's3:PutObject' }]), 'Statement[0].NotAction: a statement cannot have both Action and NotAction'],
    ['an empty Action array', doc([{ ...s3Allow, Action: [] }]), 'Statement[0].Action: must not be an empty array'],
    ['an empty Action string', doc([{ ...s3Allow, Action: '' }]), 'Statement[0].Action: must not be an empty string'],
    ['a non-string action', doc([{ ...s3Allow, Action: ['s3:GetObject', 7] }]), 'Statement[0].Action[1]: must be a non-empty string'],
    ['an object Action', doc([{ ...s3Allow, Action: {} }]), 'Statement[0].Action: must be a string or an array of strings'],
    ['a misspelt action', doc([s3Allow, { ...s3Allow, Sid: 'ReadOnly', Action: ['s3:GetObjekt'] }]), 'Statement[1] (Sid "ReadOnly").Action: unknown action "s3:GetObjekt"'],
    ['an unknown service', doc([{ ...s3Allow, Action: 'ec2:RunInstances' }]), 'Statement[0].Action: unknown service prefix "ec2" in action "ec2:RunInstances"'],
    ['an action without a service', doc([{ ...s3Allow, Action: 'GetObject' }]), 'Statement[0].Action: malformed action "GetObject": expected "service:Action" or "*"'],
    ['a wildcard matching nothing', doc([{ ...s3Allow, NotAction: 's3:Frobnicate*', Action: undefined }]), 'Statement[0].NotAction: action pattern "s3:Frobnicate*" matches no known action'],
    ['a wildcard service prefix', doc([{ ...s3Allow, Action: 's*:GetObject' }]), 'Statement[0].Action: the service prefix cannot contain wildcards'.replace('Action: ', 'Action: action "s*:GetObject": ')],
    ['no Resource', doc([{ Effect: 'Allow', Action: 's3:GetObject' }]), 'Statement[0].Resource: missing: a statement needs Resource or NotResource'],
    ['both Resource and NotResource', doc([{ ...s3Allow, NotResource: '*' }]), 'Statement[0].NotResource: a statement cannot have both Resource and NotResource'],
    ['an empty Resource array', doc([{ ...s3Allow, Resource: [] }]), 'Statement[0].Resource: must not be an empty array'],
    ['an S3 ARN without a bucket', doc([{ ...s3Allow, Resource: 'arn:aws:s3:::' }]), 'Statement[0].Resource: malformed S3 resource "arn:aws:s3:::": expected arn:aws:s3:::bucket or arn:aws:s3:::bucket/key'],
    ['an S3 ARN starting with a slash', doc([{ ...s3Allow, Resource: 'arn:aws:s3:::/b' }]), 'Statement[0].Resource: malformed S3 resource "arn:aws:s3:::/b": expected arn:aws:s3:::bucket or arn:aws:s3:::bucket/key'],
    ['a bare bucket name', doc([{ ...s3Allow, Resource: 'mybucket/*' }]), 'Statement[0].Resource: malformed or unsupported resource "mybucket/*"'],
    ['an unsupported service ARN', doc([{ ...s3Allow, Resource: 'arn:aws:ec2:us-east-1:000000000000:instance/i-1' }]), 'Statement[0].Resource: malformed or unsupported resource "arn:aws:ec2:us-east-1:000000000000:instance/i-1"'],
    ['an IAM ARN with a bad account', doc([{ ...s3Allow, Resource: 'arn:aws:iam::12:user/x' }]), 'Statement[0].Resource: malformed resource "arn:aws:iam::12:user/x": the account must be 12 digits, "*" or empty'],
    ['an IAM ARN with an unknown type', doc([{ ...s3Allow, Resource: 'arn:aws:iam::000000000000:thing/x' }]), 'Statement[0].Resource: malformed resource "arn:aws:iam::000000000000:thing/x": expected arn:aws:iam::<account>:<user|group|role|policy|oidc-provider|saml-provider|instance-profile|server-certificate|mfa>/<name>'],
    ['a KMS ARN with a slash', doc([{ ...s3Allow, Resource: 'arn:coffer:kms:::a/b' }]), 'Statement[0].Resource: malformed KMS resource "arn:coffer:kms:::a/b": expected arn:coffer:kms:::<key-name>'],
    ['an unterminated variable', doc([{ ...s3Allow, Resource: 'arn:aws:s3:::b/${aws:username' }]), 'Statement[0].Resource: unterminated policy variable in "arn:aws:s3:::b/${aws:username"'],
    ['a malformed variable', doc([{ ...s3Allow, Resource: 'arn:aws:s3:::b/${username}' }]), 'Statement[0].Resource: malformed policy variable ${username}'],
    ['an unquoted variable default', doc([{ ...s3Allow, Resource: 'arn:aws:s3:::b/${aws:username, x}' }]), "Statement[0].Resource: policy variable ${aws:username, x}: the default value must be in single quotes"],
    ['a Principal in an identity policy', doc([bucketAllow]), 'Statement[0].Principal: Principal is not allowed in identity policies'],
    ['an empty Condition', doc([{ ...s3Allow, Condition: {} }]), 'Statement[0].Condition: must not be empty'],
    ['an operator with no keys', doc([{ ...s3Allow, Condition: { StringEquals: {} } }]), 'Statement[0].Condition.StringEquals: must not be empty'],
    ['an unknown operator', doc([{ ...s3Allow, Condition: { StringEqualz: { 'aws:username': 'a' } } }]), 'Statement[0].Condition.StringEqualz: unknown condition operator "StringEqualz"'],
    ['NullIfExists', doc([{ ...s3Allow, Condition: { NullIfExists: { 'aws:username': 'true' } } }]), 'Statement[0].Condition.NullIfExists: Null cannot be combined with IfExists'],
    ['ForAnyValue:Null', doc([{ ...s3Allow, Condition: { 'ForAnyValue:Null': { 'aws:username': 'true' } } }]), 'Statement[0].Condition.ForAnyValue:Null: Null cannot be combined with ForAnyValue'],
    ['a key without a prefix', doc([{ ...s3Allow, Condition: { StringEquals: { username: 'a' } } }]), 'Statement[0].Condition.StringEquals.username: malformed condition key "username": expected "prefix:name"'],
    ['an empty value array', doc([{ ...s3Allow, Condition: { StringEquals: { 'aws:username': [] } } }]), 'Statement[0].Condition.StringEquals.aws:username: must not be an empty array'],
    ['a null value', doc([{ ...s3Allow, Condition: { StringEquals: { 'aws:username': null } } }]), 'Statement[0].Condition.StringEquals.aws:username: values must be strings, numbers or booleans'],
    ['a nested object value', doc([{ ...s3Allow, Condition: { StringEquals: { 'aws:username': [{}] } } }]), 'Statement[0].Condition.StringEquals.aws:username: values must be strings, numbers or booleans'],
    ['an operator block that is a string', doc([{ ...s3Allow, Condition: { StringEquals: 'x' } }]), 'Statement[0].Condition.StringEquals: must be an object of condition key → values'],
    ['a bad number', doc([{ ...s3Allow, Sid: 'N', Condition: { NumericLessThan: { 's3:max-keys': '10x' } } }]), 'Statement[0] (Sid "N").Condition.NumericLessThan.s3:max-keys: "10x" is not a number'],
    ['a bad date', doc([{ ...s3Allow, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2024-02-30T00:00:00Z' } } }]), 'Statement[0].Condition.DateGreaterThan.aws:CurrentTime: "2024-02-30T00:00:00Z" is not a date (ISO 8601 or epoch seconds)'],
    ['a bad boolean', doc([{ ...s3Allow, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }]), 'Statement[0].Condition.Bool.aws:SecureTransport: "yes" is not a boolean (true or false)'],
    ['a bad Null value', doc([{ ...s3Allow, Condition: { Null: { 'aws:username': 'maybe' } } }]), 'Statement[0].Condition.Null.aws:username: "maybe" is not a boolean (true or false)'],
    ['bad base64', doc([{ ...s3Allow, Condition: { BinaryEquals: { 'aws:x': 'not base64!' } } }]), 'Statement[0].Condition.BinaryEquals.aws:x: "not base64!" is not base64'],
    ['a bad CIDR', doc([{ ...s3Allow, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }]), 'Statement[0].Condition.IpAddress.aws:SourceIp: "10.0.0.0/33" is not an IP address or CIDR block'],
    ['an octal-looking IPv4', doc([{ ...s3Allow, Condition: { NotIpAddress: { 'aws:SourceIp': '010.0.0.1' } } }]), 'Statement[0].Condition.NotIpAddress.aws:SourceIp: "010.0.0.1" is not an IP address or CIDR block'],
    ['a bad ARN value', doc([{ ...s3Allow, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::x' } } }]), 'Statement[0].Condition.ArnLike.aws:PrincipalArn: "arn:aws:iam::x" is not an ARN (arn:partition:service:region:account:resource)'],
    ['a malformed variable in a condition', doc([{ ...s3Allow, Condition: { StringLike: { 's3:prefix': '${aws:username' } } }]), 'Statement[0].Condition.StringLike.s3:prefix: unterminated policy variable in "${aws:username"'],
  ];
  for (const [what, text, expected] of cases) {
    it(`refuses ${what} with "${expected}"`, () => assert.equal(failure(text), expected));
  }

  it('reports the statement index and field on the error object', () => {
    try {
      parsePolicy(doc([s3Allow, { ...s3Allow, Sid: 'ReadOnly', Action: 's3:GetObjekt' }]), 'identity');
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof PolicyError);
      assert.equal(error.statement, 1);
      assert.equal(error.field, 'Action');
    }
  });

  const accepted: Array<[string, string]> = [
    ['a single statement object', JSON.stringify({ Version: V, Statement: s3Allow })],
    ['the legacy 2008-10-17 version', doc([s3Allow], { Version: '2008-10-17' })],
    ['an Id and a Sid with spaces', doc([{ ...s3Allow, Sid: 'read only' }], { Id: 'p1' })],
    ['"*" as the action', doc([{ ...s3Allow, Action: '*' }])],
    ['actions in any case', doc([{ ...s3Allow, Action: ['S3:GETOBJECT', 's3:getbucketcors', 's3:GetBucketCORS'] }])],
    ['wildcard actions that match something', doc([{ ...s3Allow, Action: ['s3:Get*', 's3:?etObject', 'iam:*User*', 'admin:*', 'kms:*', 'sts:Assume*'] }])],
    ['every resource family', doc([{ ...s3Allow, Resource: ['*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:iam::000000000000:user/app/*', 'arn:aws:iam::*:role/r', 'arn:aws:iam:::policy/p', 'arn:aws:iam::000000000000:root', 'arn:aws:sts::000000000000:assumed-role/r/s', 'arn:coffer:kms:::key-*', 'arn:minio:kms:::k'] }])],
    ['condition values that are numbers and booleans', doc([{ ...s3Allow, Condition: { NumericLessThanEquals: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } } }])],
    ['every operator family with IfExists and qualifiers', doc([{ ...s3Allow, Condition: {
      StringEqualsIfExists: { 'aws:username': 'a' }, 'ForAllValues:StringLike': { 'aws:TagKeys': ['a*'] },
      'ForAnyValue:StringNotEqualsIgnoreCase': { 'aws:TagKeys': 'x' }, NumericGreaterThanIfExists: { 's3:max-keys': '1.5' },
      DateLessThan: { 'aws:CurrentTime': ['2030-01-01T00:00:00Z', '1893456000', '2030-01-01'] }, BinaryEquals: { 'aws:x': 'YWJj' },
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.1.1', '2001:db8::/32', '::1'] }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x*' },
      Null: { 's3:x-amz-server-side-encryption': 'false' }, 'ForAllValues:ArnEquals': { 'aws:x': 'arn:aws:iam::000000000000:user/${aws:username}' },
    } }])],
    ['an unknown condition key (evaluated as absent, like AWS)', doc([{ ...s3Allow, Condition: { StringEquals: { 'foo:bar': 'x' } } }])],
  ];
  for (const [what, text] of accepted) it(`accepts ${what}`, () => assert.equal(failure(text), undefined));
});

describe('parsePolicy: kinds', () => {
  it('requires Principal in bucket and trust policies', () => {
    assert.equal(failure(doc([s3Allow]), 'bucket'), 'Statement[0].Principal: missing: bucket policies need Principal or NotPrincipal');
    assert.equal(failure(doc([{ Effect: 'Allow', Action: 'sts:AssumeRole' }]), 'trust'), 'Statement[0].Principal: missing: trust policies need Principal or NotPrincipal');
  });
  it('forbids Principal and NotPrincipal in session policies', () => {
    assert.equal(failure(doc([{ ...s3Allow, NotPrincipal: { AWS: '000000000000' } }]), 'session'), 'Statement[0].NotPrincipal: NotPrincipal is not allowed in session policies');
  });
  it('refuses both Principal and NotPrincipal', () => {
    assert.equal(failure(doc([{ ...bucketAllow, NotPrincipal: '*' }]), 'bucket'), 'Statement[0].NotPrincipal: a statement cannot have both Principal and NotPrincipal');
  });
  it('keeps every bucket-policy resource inside the bucket (wildcards that cover it are accepted, as AWS does)', () => {
    const ok = doc([{ ...bucketAllow, Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::b*', 'arn:aws:s3:::?/x'] }]);
    assert.equal(failure(ok, 'bucket', { bucket: 'b' }), undefined);
    const cases: Array<[string, string]> = [
      ['arn:aws:s3:::bb/*', 'Statement[0].Resource: resource "arn:aws:s3:::bb/*" is outside bucket "b": use arn:aws:s3:::b or arn:aws:s3:::b/…'],
      ['arn:aws:s3:::c*', 'Statement[0].Resource: resource "arn:aws:s3:::c*" is outside bucket "b": use arn:aws:s3:::b or arn:aws:s3:::b/…'],
      ['arn:aws:s3:::bc*/x', 'Statement[0].Resource: resource "arn:aws:s3:::bc*/x" is outside bucket "b": use arn:aws:s3:::b or arn:aws:s3:::b/…'],
      ['arn:aws:s3:::${aws:username}/*', 'Statement[0].Resource: resource "arn:aws:s3:::${aws:username}/*" is outside bucket "b": use arn:aws:s3:::b or arn:aws:s3:::b/…'],
      ['*', 'Statement[0].Resource: resource "*" must be an arn:aws:s3::: ARN in a bucket policy'],
    ];
    for (const [resource, expected] of cases) {
      assert.equal(failure(doc([{ ...bucketAllow, Resource: resource }]), 'bucket', { bucket: 'b' }), expected, resource);
    }
    assert.equal(failure(doc([{ ...bucketAllow, NotResource: 'arn:aws:s3:::other/*', Resource: undefined }]), 'bucket', { bucket: 'b' }),
      'Statement[0].NotResource: resource "arn:aws:s3:::other/*" is outside bucket "b": use arn:aws:s3:::b or arn:aws:s3:::b/…');
  });
  it('allows only s3 actions in bucket policies', () => {
    assert.equal(failure(doc([{ ...bucketAllow, Action: 'iam:CreateUser' }]), 'bucket'), 'Statement[0].Action: bucket policies allow only s3: actions, not "iam:CreateUser"');
    assert.equal(failure(doc([{ ...bucketAllow, Action: '*' }]), 'bucket'), undefined);
  });
  it('allows only sts actions and no Resource in trust policies', () => {
    const trust = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/app' }, Action: 'sts:AssumeRole' };
    assert.equal(failure(doc([trust]), 'trust'), undefined);
    assert.equal(failure(doc([{ ...trust, Action: 's3:GetObject' }]), 'trust'), 'Statement[0].Action: trust policies allow only sts: actions, not "s3:GetObject"');
    assert.equal(failure(doc([{ ...trust, Resource: '*' }]), 'trust'), 'Statement[0].Resource: trust policies cannot have a Resource');
    assert.equal(failure(doc([{ ...trust, Principal: undefined, NotPrincipal: { AWS: '000000000000' } }]), 'trust'), 'Statement[0].NotPrincipal: trust policies cannot use NotPrincipal with Effect Allow');
  });
  it('validates principal blocks', () => {
    const cases: Array<[unknown, string]> = [
      ['arn:aws:iam::000000000000:user/a', 'Statement[0].Principal: must be "*" or an object with AWS, Service, Federated or CanonicalUser'],
      [{}, 'Statement[0].Principal: must not be empty'],
      [{ User: 'x' }, 'Statement[0].Principal: unknown principal type "User" (expected AWS, Service, Federated, CanonicalUser)'],
      [{ AWS: [] }, 'Statement[0].Principal.AWS: must be a string or a non-empty array of strings'],
      [{ AWS: ['000000000000', ''] }, 'Statement[0].Principal.AWS[1]: must be a non-empty string'],
      [{ AWS: 'arn:aws:iam::000000000000:user/*' }, 'Statement[0].Principal.AWS: wildcards are not allowed in principals except "*" alone in AWS'],
      [{ AWS: 'alice' }, 'Statement[0].Principal.AWS: "alice" is not an account id or an arn:aws:iam/sts ARN'],
      [{ Service: '*' }, 'Statement[0].Principal.Service: wildcards are not allowed in principals except "*" alone in AWS'],
    ];
    for (const [principal, expected] of cases) {
      assert.equal(failure(doc([{ ...bucketAllow, Principal: principal }]), 'bucket'), expected, JSON.stringify(principal));
    }
  });
});

describe('parsePolicy: duplicate keys', () => {
  const cases: Array<[string, string, string]> = [
    ['at the top level', '{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}', 'policy: duplicate key "Version"'],
    ['in a statement', '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Effect":"Allow"}]}', 'Statement[1]: duplicate key "Effect"'],
    ['in a condition', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a","aws:username":"b"}}}}', 'Statement.Condition.StringEquals: duplicate key "aws:username"'],
    ['spelt with escapes', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","\\u0045ffect":"Deny","Action":"s3:*","Resource":"*"}]}', 'Statement[0]: duplicate key "Effect"'],
  ];
  for (const [where, text, expected] of cases) it(`refuses a duplicate key ${where}`, () => assert.equal(failure(text), expected));
  it('does not confuse equal keys in different objects or keys inside strings', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Sid":"\\"Effect\\":{,","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    assert.equal(failure(text), undefined);
  });
  it('names the statement index on the error', () => {
    try {
      parsePolicy(cases[1]?.[1] ?? '', 'identity');
    } catch (error) {
      assert.ok(error instanceof PolicyError);
      assert.equal(error.statement, 1);
    }
  });
});

describe('parsePolicy: size caps', () => {
  const padded = (bytes: number): string => {
    const base = doc([{ ...s3Allow, Sid: '' }]);
    return base.replace('"Sid":""', `"Sid":"${'x'.repeat(Math.min(128, bytes - base.length))}"`) + ' '.repeat(Math.max(0, bytes - base.length - 128));
  };
  it('caps identity and bucket policies at 20480 bytes of raw text', () => {
    assert.equal(failure(padded(20480)), undefined);
    assert.equal(failure(padded(20481)), 'policy: the document is larger than the limit of 20480 bytes');
    assert.equal(failure(padded(20481), 'bucket'), 'policy: the document is larger than the limit of 20480 bytes');
  });
  it('counts bytes, not characters', () => {
    const text = doc([{ ...s3Allow, Sid: 'é'.repeat(100) }]);
    assert.equal(failure(text, 'identity', { maxBytes: text.length + 50 }), 'policy: the document is larger than the limit of ' + (text.length + 50) + ' bytes');
  });
  it('measures session and trust policies without whitespace, capping the raw text at 10×', () => {
    const compact = doc([{ ...s3Allow, Resource: Array.from({ length: 70 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }]);
    assert.equal(compact.length, 1974);
    const pretty = JSON.stringify(JSON.parse(compact), null, 8);
    assert.equal(pretty.length > 2048, true);
    assert.equal(failure(pretty, 'session'), undefined);
    const big = doc([{ ...s3Allow, Resource: Array.from({ length: 80 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }]);
    assert.equal(failure(big, 'session'), 'policy: the document is 2244 bytes without whitespace; the limit for session policies is 2048 bytes');
    const trust = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: Array.from({ length: 60 }, (_, i) => `arn:aws:iam::000000000000:user/u${i}`) } }]);
    assert.equal(failure(trust, 'trust'), `policy: the document is ${trust.length} bytes without whitespace; the limit for trust policies is 2048 bytes`);
    assert.equal(failure(' '.repeat(20481) + compact, 'session'), 'policy: the raw document is larger than the limit of 20480 bytes');
  });
  it('lets options.maxBytes override the cap (access-key inline policies: 4096)', () => {
    assert.equal(failure(padded(4097), 'identity', { maxBytes: 4096 }), 'policy: the document is larger than the limit of 4096 bytes');
    assert.equal(failure(padded(4096), 'identity', { maxBytes: 4096 }), undefined);
  });
});

describe('parsePolicy: the parsed model', () => {
  it('normalises the text: fixed key order, no whitespace, values as written', () => {
    const text = `{
      "Statement": [ { "Resource": "arn:aws:s3:::b/*", "Action": ["S3:GetObject"], "Effect": "Allow", "Sid": "R",
        "Condition": { "NumericLessThan": { "s3:max-keys": 10 } } } ],
      "Id": "x", "Version": "2012-10-17" }`;
    const p = parsePolicy(text, 'identity');
    assert.equal(p.text, '{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"R","Effect":"Allow","Action":["S3:GetObject"],"Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":10}}}]}');
    assert.equal(parsePolicy(p.text, 'identity').text, p.text);
  });
  it('lower-cases actions and condition keys up to the first slash', () => {
    const p = parsePolicy(doc([{ ...s3Allow, Action: 'S3:GetObject', Condition: { StringEquals: { 'S3:ExistingObjectTag/Project': 'X', 'AWS:UserName': 'a' } } }]), 'identity');
    const st = p.statements[0];
    assert.deepEqual(st?.actions, ['s3:getobject']);
    assert.deepEqual(st?.conditions.map((c) => c.key), ['s3:existingobjecttag/Project', 'aws:username']);
    assert.deepEqual(st?.conditions.map((c) => [c.operator, c.base, c.qualifier, c.ifExists]), [['StringEquals', 'StringEquals', undefined, false], ['StringEquals', 'StringEquals', undefined, false]]);
  });
  it('splits qualifier and IfExists out of the operator and stringifies values', () => {
    const p = parsePolicy(doc([{ ...s3Allow, Condition: { 'ForAnyValue:NumericEqualsIfExists': { 's3:max-keys': [1, '2'] } } }]), 'identity');
    assert.deepEqual(p.statements[0]?.conditions[0], { operator: 'ForAnyValue:NumericEqualsIfExists', base: 'NumericEquals', qualifier: 'ForAnyValue', ifExists: true, key: 's3:max-keys', values: ['1', '2'] });
  });
  it('normalises principal blocks', () => {
    const p = parsePolicy(doc([{ ...bucketAllow, Principal: { AWS: ['*', '000000000000'], CanonicalUser: 'abc', Service: 's', Federated: 'f' } }]), 'bucket');
    assert.deepEqual(p.statements[0]?.principal, { any: true, aws: ['000000000000', 'abc'], service: ['s'], federated: ['f'] });
    assert.deepEqual(parsePolicy(doc([bucketAllow]), 'bucket').statements[0]?.principal, { any: true, aws: [], service: [], federated: [] });
  });
});
