import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AWS_MANAGED_POLICY_NAMES, BUILT_IN_POLICIES, evaluate, parsePolicy, type LabelledPolicy, type ParsedPolicy, type PolicyKind, type RequestPrincipal } from './index.js';

const V = '2012-10-17';
const policy = (statements: unknown[], kind: PolicyKind = 'identity'): ParsedPolicy => parsePolicy(JSON.stringify({ Version: V, Statement: statements }), kind);
const labelled = (label: string, p: ParsedPolicy): LabelledPolicy => ({ label, policy: p });
const NO_CONTEXT = new Map<string, readonly string[]>();

function decide(policies: LabelledPolicy[], action: string, resource: string, principal?: RequestPrincipal) {
  return evaluate(policies, { action, resource, principal, context: NO_CONTEXT });
}
const effect = (policies: LabelledPolicy[], action: string, resource: string, principal?: RequestPrincipal) => decide(policies, action, resource, principal).effect;

const ACCOUNT = '000000000000';
const alice: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT };
const bob: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, account: ACCOUNT };
const session: RequestPrincipal = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s1`, account: ACCOUNT, aliases: [`arn:aws:iam::${ACCOUNT}:role/reader`] };
const stranger: RequestPrincipal = { arn: 'arn:aws:iam::111111111111:user/x', account: '111111111111' };

describe('evaluate: combining statements and policies', () => {
  const allowAll = labelled('user:alice/policy:rw', policy([{ Sid: 'RW', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'] }]));
  const denyDelete = labelled('group:ops/policy:nodelete', policy([{ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: 'arn:aws:s3:::b/*' }]));
  const denyAgain = labelled('user:alice/inline:x', policy([{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }]));

  it('allows with the deciding statements listed', () => {
    assert.deepEqual(decide([allowAll, denyDelete], 's3:GetObject', 'arn:aws:s3:::b/k'), { effect: 'Allow', decidedBy: [{ label: 'user:alice/policy:rw', sid: 'RW', index: 0, effect: 'Allow' }] });
  });
  it('lets an explicit Deny in one policy beat an Allow in another, listing every applicable Deny', () => {
    assert.deepEqual(decide([allowAll, denyDelete, denyAgain], 's3:DeleteObject', 'arn:aws:s3:::b/k'), {
      effect: 'Deny',
      decidedBy: [
        { label: 'group:ops/policy:nodelete', sid: 'NoDelete', index: 0, effect: 'Deny' },
        { label: 'user:alice/inline:x', sid: undefined, index: 1, effect: 'Deny' },
      ],
    });
  });
  it('lets a Deny win whatever the order of the policies', () => {
    assert.equal(effect([denyDelete, allowAll], 's3:DeleteObject', 'arn:aws:s3:::b/k'), 'Deny');
  });
  it('returns NoDecision when nothing matches, and for no policies at all', () => {
    assert.deepEqual(decide([denyDelete], 's3:GetObject', 'arn:aws:s3:::b/k'), { effect: 'NoDecision', decidedBy: [] });
    assert.deepEqual(decide([], 's3:GetObject', 'arn:aws:s3:::b/k'), { effect: 'NoDecision', decidedBy: [] });
  });
  it('matches request actions case-insensitively', () => {
    assert.equal(effect([allowAll], 'S3:GETOBJECT', 'arn:aws:s3:::b/k'), 'Allow');
    const cors = labelled('p', policy([{ Effect: 'Allow', Action: 's3:GetBucketCors', Resource: '*' }]));
    assert.equal(effect([cors], 's3:GetBucketCORS', 'arn:aws:s3:::b'), 'Allow');
  });
  it('does not let a statement about one action grant another', () => {
    assert.equal(effect([allowAll], 'iam:CreateUser', '*'), 'NoDecision');
    const versionOnly = labelled('p', policy([{ Effect: 'Allow', Action: 's3:GetObjectVersion', Resource: '*' }]));
    assert.equal(effect([versionOnly], 's3:GetObject', 'arn:aws:s3:::b/k'), 'NoDecision');
  });
});

describe('evaluate: bucket ARN vs object ARN (detail 2)', () => {
  const objects = [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }]))];
  const bucket = [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }]))];
  const cases: Array<[string, LabelledPolicy[], string, string, string]> = [
    ['b/* grants object actions', objects, 's3:GetObject', 'arn:aws:s3:::b/k', 'Allow'],
    ['b/* grants deep keys (* crosses /)', objects, 's3:GetObject', 'arn:aws:s3:::b/a/b/c', 'Allow'],
    ['b/* does not grant bucket actions on b', objects, 's3:ListBucket', 'arn:aws:s3:::b', 'NoDecision'],
    ['b/* does not grant GetBucketPolicy on b', objects, 's3:GetBucketPolicy', 'arn:aws:s3:::b', 'NoDecision'],
    ['b/* does not grant objects of bucket bb', objects, 's3:GetObject', 'arn:aws:s3:::bb/k', 'NoDecision'],
    ['b grants bucket actions', bucket, 's3:ListBucket', 'arn:aws:s3:::b', 'Allow'],
    ['b does not grant object actions on b/k', bucket, 's3:GetObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['b does not grant bucket b2', bucket, 's3:ListBucket', 'arn:aws:s3:::b2', 'NoDecision'],
    ['resources are case-sensitive', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::B/*' }]))], 's3:GetObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['? matches exactly one character', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/?' }]))], 's3:GetObject', 'arn:aws:s3:::b/ab', 'NoDecision'],
    ['arn:aws:s3:::* grants ListAllMyBuckets checked on arn:aws:s3:::*', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' }]))], 's3:ListAllMyBuckets', 'arn:aws:s3:::*', 'Allow'],
    ['arn:aws:s3:::* grants ListAllMyBuckets checked without a resource', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' }]))], 's3:ListAllMyBuckets', '*', 'Allow'],
    ['arn:aws:s3:::*/* does not grant ListAllMyBuckets', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*/*' }]))], 's3:ListAllMyBuckets', '*', 'NoDecision'],
    ['one bucket does not grant ListAllMyBuckets', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]))], 's3:ListAllMyBuckets', '*', 'NoDecision'],
    ['a bucket-name wildcard does not grant ListAllMyBuckets', [labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b*' }]))], 's3:ListAllMyBuckets', '*', 'NoDecision'],
    ['arn:coffer:kms:::* grants a resourceless kms action', [labelled('p', policy([{ Effect: 'Allow', Action: 'kms:Status', Resource: 'arn:coffer:kms:::*' }]))], 'kms:Status', '*', 'Allow'],
    ['"*" matches a request without a resource', [labelled('p', policy([{ Effect: 'Allow', Action: 'admin:*', Resource: '*' }]))], 'admin:ServerInfo', '*', 'Allow'],
    ['an S3 ARN does not match a request without a resource', [labelled('p', policy([{ Effect: 'Allow', Action: 'admin:*', Resource: 'arn:aws:s3:::*' }]))], 'admin:ServerInfo', '*', 'NoDecision'],
    ['arn:minio:kms::: in a policy covers arn:coffer:kms::: requests', [labelled('p', policy([{ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:minio:kms:::app-*' }]))], 'kms:KeyStatus', 'arn:coffer:kms:::app-1', 'Allow'],
    ['arn:coffer:kms::: in a policy covers arn:minio:kms::: requests', [labelled('p', policy([{ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:coffer:kms:::app-*' }]))], 'kms:KeyStatus', 'arn:minio:kms:::app-1', 'Allow'],
    ['IAM resources with paths', [labelled('p', policy([{ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::000000000000:user/team/*' }]))], 'iam:GetUser', 'arn:aws:iam::000000000000:user/team/alice', 'Allow'],
  ];
  for (const [what, policies, action, resource, expected] of cases) it(`${what} → ${expected}`, () => assert.equal(effect(policies, action, resource), expected));
});

describe('evaluate: NotAction and NotResource', () => {
  it('NotAction allows everything but the listed actions', () => {
    const p = [labelled('p', policy([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]))];
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'Allow');
    assert.equal(effect(p, 'iam:CreateUser', '*'), 'NoDecision');
  });
  it('Deny with NotAction denies everything else', () => {
    const p = [labelled('a', policy([{ Effect: 'Allow', Action: '*', Resource: '*' }])), labelled('d', policy([{ Effect: 'Deny', NotAction: ['s3:Get*', 's3:List*'], Resource: '*' }]))];
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'Allow');
    assert.equal(effect(p, 's3:PutObject', 'arn:aws:s3:::b/k'), 'Deny');
  });
  it('NotResource applies to every resource not listed', () => {
    const p = [labelled('a', policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])), labelled('d', policy([{ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]))];
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'Allow');
    assert.equal(effect(p, 's3:ListBucket', 'arn:aws:s3:::b'), 'Allow');
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::other/k'), 'Deny');
    assert.equal(effect(p, 's3:ListAllMyBuckets', '*'), 'Deny');
  });
  it('a Resource list matches if any pattern does, across different services', () => {
    const p = [labelled('p', policy([{ Effect: 'Allow', Action: '*', Resource: ['arn:aws:s3:::b/*', 'arn:aws:iam::000000000000:user/*', 'arn:coffer:kms:::k'] }]))];
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'Allow');
    assert.equal(effect(p, 'iam:GetUser', 'arn:aws:iam::000000000000:user/u'), 'Allow');
    assert.equal(effect(p, 'kms:KeyStatus', 'arn:coffer:kms:::k'), 'Allow');
    assert.equal(effect(p, 'kms:KeyStatus', 'arn:coffer:kms:::k2'), 'NoDecision');
    assert.equal(effect(p, 'iam:GetUser', 'arn:aws:iam::000000000000:group/g'), 'NoDecision');
  });
});

describe('evaluate: principals in bucket and trust policies', () => {
  const bucketPolicy = (principal: unknown, effectName = 'Allow', field = 'Principal') =>
    [labelled('bucket:b', policy([{ Effect: effectName, [field]: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }], 'bucket'))];
  const cases: Array<[string, unknown, RequestPrincipal | undefined, string]> = [
    ['"*" admits anonymous', '*', undefined, 'Allow'],
    ['"*" admits any user', '*', stranger, 'Allow'],
    ['{"AWS":"*"} admits anonymous', { AWS: '*' }, undefined, 'Allow'],
    ['{"AWS":["*"]} admits a user', { AWS: ['*'] }, alice, 'Allow'],
    ['a user ARN admits that user', { AWS: alice.arn }, alice, 'Allow'],
    ['a user ARN does not admit another user', { AWS: alice.arn }, bob, 'NoDecision'],
    ['a user ARN does not admit anonymous', { AWS: alice.arn }, undefined, 'NoDecision'],
    ['an account id admits every principal of the account', { AWS: ACCOUNT }, bob, 'Allow'],
    ['an account id does not admit anonymous', { AWS: ACCOUNT }, undefined, 'NoDecision'],
    ['an account id does not admit another account', { AWS: ACCOUNT }, stranger, 'NoDecision'],
    ['the account root ARN admits every principal of the account', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, session, 'Allow'],
    ['a role ARN admits its sessions (alias)', { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` }, session, 'Allow'],
    ['a session ARN admits that session', { AWS: session.arn }, session, 'Allow'],
    ['a role ARN does not admit a user', { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` }, alice, 'NoDecision'],
    ['a canonical user id admits a principal with that alias', { CanonicalUser: 'c0ffee' }, { ...bob, aliases: ['c0ffee'] }, 'Allow'],
    ['a Service principal does not admit anonymous', { Service: 'replication.coffer' }, undefined, 'NoDecision'],
  ];
  for (const [what, principal, who, expected] of cases) it(`${what} → ${expected}`, () => assert.equal(effect(bucketPolicy(principal), 's3:GetObject', 'arn:aws:s3:::b/k', who), expected));

  it('NotPrincipal with Deny denies everyone else, anonymous included', () => {
    const p = [...bucketPolicy('*'), ...bucketPolicy({ AWS: alice.arn }, 'Deny', 'NotPrincipal')];
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k', alice), 'Allow');
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k', bob), 'Deny');
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k', undefined), 'Deny');
  });
  it('NotPrincipal with Allow grants everyone but the named principal (AWS semantics; discouraged)', () => {
    const p = bucketPolicy({ AWS: alice.arn }, 'Allow', 'NotPrincipal');
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k', alice), 'NoDecision');
    assert.equal(effect(p, 's3:GetObject', 'arn:aws:s3:::b/k', undefined), 'Allow');
  });
  it('trust policies match the principal and ignore the resource', () => {
    const trust = [labelled('role:reader/trust', policy([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }], 'trust'))];
    assert.equal(effect(trust, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/reader`, alice), 'Allow');
    assert.equal(effect(trust, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/reader`, bob), 'NoDecision');
    assert.equal(effect(trust, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/reader`, undefined), 'NoDecision');
    const federated = [labelled('t', policy([{ Effect: 'Allow', Principal: { Federated: 'https://idp.example' }, Action: 'sts:AssumeRoleWithWebIdentity' }], 'trust'))];
    assert.equal(effect(federated, 'sts:AssumeRoleWithWebIdentity', '*', { arn: 'x', account: ACCOUNT, aliases: ['https://idp.example'] }), 'Allow');
  });
  it('identity policies never look at the principal', () => {
    assert.equal(effect([labelled('p', policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]))], 's3:GetObject', 'arn:aws:s3:::b/k', undefined), 'Allow');
  });
});

describe('evaluate: policies not built by parsePolicy', () => {
  it('compiles a deserialised ParsedPolicy on first use and decides the same', () => {
    const p = policy([{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    const copy = JSON.parse(JSON.stringify(p)) as ParsedPolicy;
    const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/k', principal: undefined, context: new Map([['aws:username', ['alice']], ['aws:sourceip', ['10.0.0.1']]]) };
    assert.equal(evaluate([labelled('a', p)], request).effect, 'Allow');
    assert.equal(evaluate([labelled('b', copy)], request).effect, 'Allow');
    assert.equal(evaluate([labelled('b', copy)], { ...request, context: new Map([['aws:username', ['alice']], ['aws:sourceip', ['11.0.0.1']]]) }).effect, 'NoDecision');
  });
});

describe('BUILT_IN_POLICIES', () => {
  const builtIn = (name: string): LabelledPolicy[] => {
    const p = BUILT_IN_POLICIES.get(name);
    assert.ok(p !== undefined, name);
    return [labelled(`policy:${name}`, p)];
  };
  it('has exactly readonly, readwrite, writeonly, diagnostics, consoleAdmin and four AWS managed policies', () => {
    assert.deepEqual([...BUILT_IN_POLICIES.keys()].sort(), [
      'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'consoleAdmin', 'diagnostics', 'readonly', 'readwrite', 'writeonly',
    ]);
    assert.deepEqual([...AWS_MANAGED_POLICY_NAMES].sort(), ['AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess']);
    for (const p of BUILT_IN_POLICIES.values()) assert.equal(Object.isFrozen(p), true);
  });
  const cases: Array<[string, string, string, string]> = [
    ['AmazonS3FullAccess', 's3:DeleteBucket', 'arn:aws:s3:::b', 'Allow'],
    ['AmazonS3FullAccess', 'iam:ListUsers', '*', 'NoDecision'],
    ['AmazonS3ReadOnlyAccess', 's3:GetObject', 'arn:aws:s3:::b/k', 'Allow'],
    ['AmazonS3ReadOnlyAccess', 's3:ListAllMyBuckets', '*', 'Allow'],
    ['AmazonS3ReadOnlyAccess', 's3:PutObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['IAMFullAccess', 'iam:CreateUser', 'arn:aws:iam::000000000000:user/u', 'Allow'],
    ['IAMFullAccess', 's3:GetObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['IAMReadOnlyAccess', 'iam:GetUser', 'arn:aws:iam::000000000000:user/u', 'Allow'],
    ['IAMReadOnlyAccess', 'iam:ListRoles', '*', 'Allow'],
    ['IAMReadOnlyAccess', 'iam:DeleteUser', 'arn:aws:iam::000000000000:user/u', 'NoDecision'],
    ['readonly', 's3:GetObject', 'arn:aws:s3:::b/k', 'Allow'],
    ['readonly', 's3:ListBucket', 'arn:aws:s3:::b', 'Allow'],
    ['readonly', 's3:GetBucketLocation', 'arn:aws:s3:::b', 'Allow'],
    ['readonly', 's3:ListAllMyBuckets', 'arn:aws:s3:::*', 'Allow'],
    ['readonly', 's3:ListAllMyBuckets', '*', 'Allow'],
    ['writeonly', 's3:ListAllMyBuckets', '*', 'NoDecision'],
    ['readonly', 's3:PutObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['readonly', 's3:DeleteObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['readonly', 's3:GetBucketPolicy', 'arn:aws:s3:::b', 'NoDecision'],
    ['readwrite', 's3:PutObject', 'arn:aws:s3:::b/k', 'Allow'],
    ['readwrite', 's3:DeleteBucket', 'arn:aws:s3:::b', 'Allow'],
    ['readwrite', 'iam:CreateUser', '*', 'NoDecision'],
    ['readwrite', 'admin:ServerInfo', '*', 'NoDecision'],
    ['writeonly', 's3:PutObject', 'arn:aws:s3:::b/k', 'Allow'],
    ['writeonly', 's3:GetObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['diagnostics', 'admin:ServerInfo', '*', 'Allow'],
    ['diagnostics', 'admin:Prometheus', '*', 'Allow'],
    ['diagnostics', 'admin:CreateUser', '*', 'NoDecision'],
    ['diagnostics', 's3:GetObject', 'arn:aws:s3:::b/k', 'NoDecision'],
    ['consoleAdmin', 'admin:CreateUser', '*', 'Allow'],
    ['consoleAdmin', 'iam:CreateUser', 'arn:aws:iam::000000000000:user/x', 'Allow'],
    ['consoleAdmin', 'sts:AssumeRole', 'arn:aws:iam::000000000000:role/r', 'Allow'],
    ['consoleAdmin', 'kms:CreateKey', 'arn:coffer:kms:::k', 'Allow'],
    ['consoleAdmin', 's3:DeleteBucket', 'arn:aws:s3:::b', 'Allow'],
  ];
  for (const [name, action, resource, expected] of cases) {
    it(`${name}: ${action} on ${resource} → ${expected}`, () => assert.equal(effect(builtIn(name), action, resource), expected));
  }
});
