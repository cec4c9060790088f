import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../core/index.js';
import { parsePolicy, type LabelledPolicy, type ParsedPolicy } from '../policy/index.js';
import { ACCOUNT_ID, rootPrincipal, type Principal } from '../credentials/index.js';
import type { AuthorizationCheck, AuthorizationRequest, PolicySource, PrincipalPolicies, RequestFacts } from './authorizer.js';
import { PolicyAuthorizer } from './policy-authorizer.js';

const root = rootPrincipal('ROOTKEY');
const alice: Principal = {
  kind: 'user', accessKeyId: 'AKIAALICE', credential: 'access-key', canonicalId: root.canonicalId, displayName: 'alice',
  arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, userId: 'AIDAALICE', userName: 'alice', tags: { team: 'blue' },
};
const session: Principal = {
  kind: 'assumed-role', accessKeyId: 'ASIASESSION', credential: 'session', canonicalId: root.canonicalId, displayName: 'reader/s1',
  arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/reader/s1`, userId: 'AROAREADER:s1', sourceArn: `arn:aws:iam::${ACCOUNT_ID}:role/reader`,
};

type Doc = Record<string, unknown>;
const doc = (...Statement: Doc[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const identity = (label: string, ...statements: Doc[]): LabelledPolicy => ({ label, policy: parsePolicy(doc(...statements), 'identity') });
const bucketPolicy = (bucket: string, ...statements: Doc[]): ParsedPolicy => parsePolicy(doc(...statements), 'bucket', { bucket });

function source(byKey: Record<string, PrincipalPolicies | undefined>, buckets: Record<string, ParsedPolicy> = {}): PolicySource & { calls: number } {
  const src = {
    calls: 0,
    principalPolicies: async (p: Principal) => {
      src.calls++;
      return p.credential === 'root' ? { identity: [], narrowing: [] } : byKey[p.accessKeyId];
    },
    bucketPolicy: async (b: string) => buckets[b],
  };
  return src;
}

const facts: RequestFacts = { sourceIp: '10.1.2.3', secureTransport: false, authType: 'REST-HEADER', now: new Date('2026-01-01T00:00:00Z') };
const get = (bucket: string, key: string): AuthorizationCheck => ({ action: 's3:GetObject', bucket, key });
const put = (bucket: string, key: string): AuthorizationCheck => ({ action: 's3:PutObject', bucket, key });

async function allowed(authorizer: PolicyAuthorizer, request: Partial<AuthorizationRequest> & { checks: AuthorizationCheck[] }): Promise<boolean> {
  try {
    await authorizer.authorize({ principal: undefined, facts, ...request });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'AccessDenied') return false;
    throw error;
  }
}

const readData = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'] };

describe('PolicyAuthorizer', () => {
  it('allows what an identity policy allows and nothing else', async () => {
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [identity('user:alice/policy:read', readData)], narrowing: [] } }) });
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'a.txt')] }), true);
    assert.equal(await allowed(az, { principal: alice, checks: [put('data', 'a.txt')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [get('other', 'a.txt')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'a.txt'), put('data', 'a.txt')] }), false);
  });

  it('never lets an object ARN grant a bucket-level action', async () => {
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [identity('p', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data/*' })], narrowing: [] } }) });
    assert.equal(await allowed(az, { principal: alice, checks: [{ action: 's3:ListBucket', bucket: 'data' }] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'x')] }), true);
  });

  it('lets a group Deny beat the user Allow', async () => {
    const az = new PolicyAuthorizer({
      policies: source({
        AKIAALICE: {
          identity: [identity('user:alice/policy:read', readData), identity('group:ops/inline:no-secrets', { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/secret/*' })],
          narrowing: [],
        },
      }),
    });
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'public/a')] }), true);
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'secret/a')] }), false);
    const explained = await az.explain({ principal: alice, facts, checks: [get('data', 'secret/a')] });
    assert.equal(explained.effect, 'Deny');
    assert.deepEqual(explained.trace[0]?.decidedBy.map((d) => d.label), ['group:ops/inline:no-secrets']);
  });

  it('intersects identity policies with every narrowing policy, which never grant on their own', async () => {
    const everything = identity('user:alice/policy:readwrite', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const onlyReports = identity('access-key:AKIAALICE/inline', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/reports/*' });
    const az = new PolicyAuthorizer({
      policies: source({
        AKIAALICE: { identity: [everything], narrowing: [onlyReports] },
        AKIAORPHAN: { identity: [], narrowing: [onlyReports] },
      }),
    });
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'reports/q1')] }), true);
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'other/q1')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [put('data', 'reports/q1')] }), false);
    const orphan = { ...alice, accessKeyId: 'AKIAORPHAN' };
    assert.equal(await allowed(az, { principal: orphan, checks: [get('data', 'reports/q1')] }), false);
  });

  it('denies everything to an unknown or disabled principal, even what a public bucket policy allows', async () => {
    const az = new PolicyAuthorizer({
      policies: source({}, { pub: bucketPolicy('pub', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' }) }),
    });
    assert.equal(await allowed(az, { principal: alice, checks: [get('pub', 'x')] }), false);
    assert.equal(await allowed(az, { principal: undefined, checks: [get('pub', 'x')] }), true);
  });

  it('grants through a bucket policy that names the user, but not through one that names only the account', async () => {
    const named = bucketPolicy('shared', { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' });
    const account = bucketPolicy('acct', { Effect: 'Allow', Principal: { AWS: ACCOUNT_ID }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acct/*' });
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [], narrowing: [] }, AKIABOB: { identity: [], narrowing: [] } }, { shared: named, acct: account }) });
    assert.equal(await allowed(az, { principal: alice, checks: [get('shared', 'x')] }), true);
    const bob = { ...alice, accessKeyId: 'AKIABOB', arn: `arn:aws:iam::${ACCOUNT_ID}:user/bob`, userName: 'bob' };
    assert.equal(await allowed(az, { principal: bob, checks: [get('shared', 'x')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [get('acct', 'x')] }), false);
    assert.equal(await allowed(az, { principal: undefined, checks: [get('shared', 'x')] }), false);
  });

  it('grants a role session through a bucket policy naming its role, still narrowed by its session policy', async () => {
    const byRole = bucketPolicy('shared', { Effect: 'Allow', Principal: { AWS: session.sourceArn }, Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::shared/*' });
    const sessionPolicy = identity('session:ASIASESSION', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const az = new PolicyAuthorizer({ policies: source({ ASIASESSION: { identity: [], narrowing: [sessionPolicy] } }, { shared: byRole }) });
    assert.equal(await allowed(az, { principal: session, checks: [get('shared', 'x')] }), true);
    assert.equal(await allowed(az, { principal: session, checks: [put('shared', 'x')] }), false);
  });

  it('lets a bucket-policy Deny beat an identity Allow', async () => {
    const deny = bucketPolicy('data', { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/private/*' });
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [identity('p', readData)], narrowing: [] } }, { data: deny }) });
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'private/x')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'public/x')] }), true);
  });

  it('allows anonymous callers only what a bucket policy grants to "*", and no Deny matches', async () => {
    const policy = bucketPolicy(
      'pub',
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' },
      { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/hidden/*' },
    );
    const az = new PolicyAuthorizer({ policies: source({}, { pub: policy }) });
    assert.equal(await allowed(az, { checks: [get('pub', 'a')] }), true);
    assert.equal(await allowed(az, { checks: [get('pub', 'hidden/a')] }), false);
    assert.equal(await allowed(az, { checks: [put('pub', 'a')] }), false);
    assert.equal(await allowed(az, { checks: [get('private', 'a')] }), false);
    assert.equal(await allowed(az, { checks: [{ action: 's3:ListAllMyBuckets' }] }), false);
  });

  it('allows root everything except what a bucket policy denies — yet root can always manage that policy', async () => {
    const lockout = bucketPolicy('locked', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::locked', 'arn:aws:s3:::locked/*'] });
    const az = new PolicyAuthorizer({ policies: source({}, { locked: lockout }) });
    assert.equal(await allowed(az, { principal: root, checks: [put('open', 'x'), { action: 's3:ListAllMyBuckets' }] }), true);
    assert.equal(await allowed(az, { principal: root, checks: [get('locked', 'x')] }), false);
    for (const action of ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']) {
      assert.equal(await allowed(az, { principal: root, checks: [{ action, bucket: 'locked' }] }), true, action);
      assert.equal(await allowed(az, { principal: alice, checks: [{ action, bucket: 'locked' }] }), false, action);
    }
  });

  it('narrows a root access key by its inline policy', async () => {
    const rootKey: Principal = { ...root, accessKeyId: 'AKIAROOTKEY', credential: 'access-key' };
    const az = new PolicyAuthorizer({ policies: source({ AKIAROOTKEY: { identity: [], narrowing: [identity('k', readData)] } }) });
    assert.equal(await allowed(az, { principal: rootKey, checks: [get('data', 'x')] }), true);
    assert.equal(await allowed(az, { principal: rootKey, checks: [put('data', 'x')] }), false);
  });

  it('in deny-only mode allows unless an explicit Deny matches', async () => {
    const az = new PolicyAuthorizer({
      policies: source({ AKIAALICE: { identity: [identity('p', { Effect: 'Deny', Action: 'admin:CreateServiceAccount', Resource: '*' })], narrowing: [] } }),
    });
    const selfService = { action: 'admin:CreateServiceAccount', resource: alice.arn };
    assert.equal(await allowed(az, { principal: alice, mode: 'deny-only', checks: [{ action: 'admin:ChangePassword', resource: alice.arn }] }), true);
    assert.equal(await allowed(az, { principal: alice, mode: 'deny-only', checks: [selfService] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [{ action: 'admin:ChangePassword', resource: alice.arn }] }), false);
    const gone = new PolicyAuthorizer({ policies: source({}) });
    assert.equal(await allowed(gone, { principal: alice, mode: 'deny-only', checks: [selfService] }), false);
  });

  it('denies a request that declares no checks', async () => {
    const az = new PolicyAuthorizer({ policies: source({}) });
    assert.equal(await allowed(az, { principal: root, checks: [] }), false);
  });

  it('refuses a check that tries to supply an aws: or authorizer-owned key, so clients can never shadow them', async () => {
    const onlyFromOffice = identity('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } });
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [onlyFromOffice], narrowing: [] } }) });
    assert.equal(await allowed(az, { principal: alice, checks: [get('data', 'x')] }), false);
    for (const key of ['aws:sourceip', 'AWS:SourceIp', 's3:authType', 's3:signatureage', 's3:ExistingObjectTag/x', 'jwt:sub']) {
      const check = { ...get('data', 'x'), conditions: { [key]: ['192.0.2.1'] } };
      await assert.rejects(az.authorize({ principal: alice, facts, checks: [check] }), (e: AppError) => e.code === 'InternalError', key);
    }
    assert.equal(await allowed(az, { principal: alice, facts: { ...facts, sourceIp: '192.0.2.77' }, checks: [get('data', 'x')] }), true);
  });

  it('fills the global keys from the principal and the request facts', async () => {
    const home = identity('p', {
      Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::home/${aws:username}/*',
      Condition: { StringEquals: { 'aws:PrincipalType': 'User', 'aws:PrincipalTag/team': 'blue', 's3:authType': 'REST-HEADER' }, Bool: { 'aws:SecureTransport': 'false' } },
    });
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [home], narrowing: [] } }) });
    assert.equal(await allowed(az, { principal: alice, checks: [put('home', 'alice/x')] }), true);
    assert.equal(await allowed(az, { principal: alice, checks: [put('home', 'bob/x')] }), false);
    assert.equal(await allowed(az, { principal: alice, facts: { ...facts, secureTransport: true }, checks: [put('home', 'alice/x')] }), false);
    assert.equal(await allowed(az, { principal: alice, facts: { ...facts, authType: 'REST-QUERY-STRING' }, checks: [put('home', 'alice/x')] }), false);
  });

  it('passes a check\'s own s3: keys to the conditions (s3:prefix on ListBucket)', async () => {
    const listHome = identity('p', { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::home', Condition: { StringLike: { 's3:prefix': 'alice/*' } } });
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [listHome], narrowing: [] } }) });
    const list = (prefix?: string): AuthorizationCheck => ({ action: 's3:ListBucket', bucket: 'home', conditions: prefix === undefined ? {} : { 's3:prefix': [prefix] } });
    assert.equal(await allowed(az, { principal: alice, checks: [list('alice/docs/')] }), true);
    assert.equal(await allowed(az, { principal: alice, checks: [list('bob/')] }), false);
    assert.equal(await allowed(az, { principal: alice, checks: [list()] }), false);
  });

  it('loads stored object tags only when a policy reads s3:ExistingObjectTag', async () => {
    let loads = 0;
    const objectTags = async () => {
      loads++;
      return { classification: 'public' };
    };
    const plain = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [identity('p', readData)], narrowing: [] } }) });
    assert.equal(await allowed(plain, { principal: alice, objectTags, checks: [get('data', 'x')] }), true);
    assert.equal(loads, 0);
    const byTag = identity('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } } });
    const tagged = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [byTag], narrowing: [] } }) });
    assert.equal(await allowed(tagged, { principal: alice, objectTags, checks: [get('data', 'x')] }), true);
    assert.equal(loads, 1);
    assert.equal(await allowed(tagged, { principal: alice, objectTags: async () => ({ classification: 'secret' }), checks: [get('data', 'x')] }), false);
    assert.equal(await allowed(tagged, { principal: alice, objectTags: async () => undefined, checks: [get('data', 'x')] }), false);
  });

  it('explains each check with its effect, reason and deciding statements', async () => {
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [identity('user:alice/policy:read', { Sid: 'ReadData', ...readData })], narrowing: [] } }) });
    const result = await az.explain({ principal: alice, facts, checks: [get('data', 'x'), put('data', 'x')] });
    assert.equal(result.effect, 'NoDecision');
    assert.equal(result.trace.length, 2);
    assert.equal(result.trace[0]?.effect, 'Allow');
    assert.deepEqual(result.trace[0]?.decidedBy.map((d) => [d.label, d.sid]), [['user:alice/policy:read', 'ReadData']]);
    assert.equal(result.trace[1]?.effect, 'NoDecision');
    assert.equal(result.trace[1]?.reason, 'no policy allows');
  });

  it('puts the trace, never a secret, into the AccessDenied details', async () => {
    const az = new PolicyAuthorizer({ policies: source({ AKIAALICE: { identity: [], narrowing: [] } }) });
    const error = await az.authorize({ principal: alice, facts, checks: [put('data', 'x')] }).catch((e: AppError) => e);
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'AccessDenied');
    const details = JSON.stringify(error.details);
    assert.match(details, /s3:PutObject/);
    assert.match(details, /arn:aws:s3:::data\/x/);
    assert.doesNotMatch(details, /AKIAALICE/);
  });
});
