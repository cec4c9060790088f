import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import type { PrincipalPolicies } from '../../../iam/authorizer/index.js';
import type { Principal } from '../../../iam/credentials/index.js';
import { evaluate } from '../../../iam/policy/index.js';
import { DENY_DELETE, openIamFixture, READ_BUCKET, ROOT_KEY, trustUsers, WRITE_BUCKET, type IamFixture } from './fixture.js';

const labels = (p: PrincipalPolicies | undefined) => [p?.identity.map((l) => l.label), p?.narrowing.map((l) => l.label)];
const allows = (policies: PrincipalPolicies, action: string, resource: string) =>
  evaluate(policies.identity, { action, resource, principal: undefined, context: new Map() }).effect;

describe('policy source (what applies to a principal now)', () => {
  let f: IamFixture;
  let user: Principal;
  beforeEach(async () => {
    f = await openIamFixture();
    await f.identity.createUser({ name: 'app1', secretKey: new Secret('app1-secret') });
    await f.identity.createPolicy({ name: 'read', document: READ_BUCKET });
    await f.identity.createPolicy({ name: 'write', document: WRITE_BUCKET });
    await f.identity.attachPolicy({ type: 'user', name: 'app1' }, 'read');
    await f.identity.attachPolicy({ type: 'user', name: 'app1' }, 'readonly');
    await f.identity.putInlinePolicy({ type: 'user', name: 'app1' }, 'no-delete', DENY_DELETE);
    user = (await f.identity.credentials.lookup('app1'))!.principal;
  });
  afterEach(() => f.close());

  it("resolves a user's managed, built-in and inline policies and those of its enabled groups", async () => {
    await f.identity.createGroup({ name: 'writers' });
    await f.identity.createGroup({ name: 'off' });
    await f.identity.attachPolicy({ type: 'group', name: 'writers' }, 'write');
    await f.identity.putInlinePolicy({ type: 'group', name: 'writers' }, 'g-inline', READ_BUCKET);
    await f.identity.attachPolicy({ type: 'group', name: 'off' }, 'readwrite');
    await f.identity.addUserToGroup('writers', 'app1');
    await f.identity.addUserToGroup('off', 'app1');
    await f.identity.setGroupStatus('off', 'disabled');
    const policies = await f.identity.policies.principalPolicies(user);
    assert.deepEqual(labels(policies), [
      ['user:app1/policy:read', 'user:app1/policy:readonly', 'user:app1/inline:no-delete', 'group:writers/policy:write', 'group:writers/inline:g-inline'],
      [],
    ]);
    assert.equal(allows(policies!, 's3:PutObject', 'arn:aws:s3:::reports/x'), 'Allow');
    assert.equal(allows(policies!, 's3:DeleteObject', 'arn:aws:s3:::reports/x'), 'Deny');
    assert.equal(allows(policies!, 's3:DeleteBucket', 'arn:aws:s3:::reports'), 'NoDecision', 'the disabled group grants nothing');
  });

  it('follows changes on the next call: detach, new version, group membership', async () => {
    assert.equal(allows((await f.identity.policies.principalPolicies(user))!, 's3:PutObject', 'arn:aws:s3:::reports/x'), 'NoDecision');
    await f.identity.createPolicyVersion('read', WRITE_BUCKET, true);
    assert.equal(allows((await f.identity.policies.principalPolicies(user))!, 's3:PutObject', 'arn:aws:s3:::reports/x'), 'Allow');
    await f.identity.detachPolicy({ type: 'user', name: 'app1' }, 'read');
    assert.equal(allows((await f.identity.policies.principalPolicies(user))!, 's3:PutObject', 'arn:aws:s3:::reports/x'), 'NoDecision');
  });

  it("narrows with an access key's inline policy, and with a session's policy on top of its key's", async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1', policy: WRITE_BUCKET });
    const keyPrincipal = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    assert.deepEqual(labels(await f.identity.policies.principalPolicies(keyPrincipal))[1], [`accesskey:${key.accessKeyId}/inline`]);
    const session = await f.identity.assumeRole(keyPrincipal, { policy: READ_BUCKET });
    const sessionPrincipal = (await f.identity.credentials.lookup(session.accessKeyId))!.principal;
    const policies = await f.identity.policies.principalPolicies(sessionPrincipal);
    assert.deepEqual(labels(policies)[1], [`accesskey:${key.accessKeyId}/inline`, `session:${session.accessKeyId}/policy`]);
    assert.equal(policies?.identity.length, 3, "the user's own policies");
  });

  it("gives a role session the role's policies and its session policy", async () => {
    await f.identity.createRole({ name: 'r', trustPolicy: trustUsers(user.arn) });
    await f.identity.attachPolicy({ type: 'role', name: 'r' }, 'write');
    await f.identity.putInlinePolicy({ type: 'role', name: 'r' }, 'ri', READ_BUCKET);
    const s = await f.identity.assumeRole(user, { roleArn: 'arn:aws:iam::000000000000:role/r', roleSessionName: 'job', policy: READ_BUCKET });
    const principal = (await f.identity.credentials.lookup(s.accessKeyId))!.principal;
    assert.deepEqual(labels(await f.identity.policies.principalPolicies(principal)), [['role:r/policy:write', 'role:r/inline:ri'], [`session:${s.accessKeyId}/policy`]]);
  });

  it('gives root nothing to evaluate but its narrowing policies, and nothing at all when root access is off', async () => {
    const root = (await f.identity.credentials.lookup(ROOT_KEY))!.principal;
    assert.deepEqual(labels(await f.identity.policies.principalPolicies(root)), [[], []]);
    const rootKey = await f.identity.createAccessKey({ owner: 'root', policy: READ_BUCKET });
    const rootKeyPrincipal = (await f.identity.credentials.lookup(rootKey.accessKeyId))!.principal;
    assert.deepEqual(labels(await f.identity.policies.principalPolicies(rootKeyPrincipal)), [[], [`accesskey:${rootKey.accessKeyId}/inline`]]);
    const off = await f.peer({ apiRootAccess: false });
    assert.equal(await off.policies.principalPolicies(root), undefined);
    assert.equal(await off.policies.principalPolicies(rootKeyPrincipal), undefined);
  });

  it('answers undefined (deny everything) for a disabled or deleted user, a disabled key, or a forged principal', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    const keyPrincipal = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    assert.ok(await f.identity.policies.principalPolicies(keyPrincipal));
    assert.equal(await f.identity.policies.principalPolicies({ ...keyPrincipal, arn: 'arn:aws:iam::000000000000:user/admin' }), undefined);
    assert.equal(await f.identity.policies.principalPolicies({ ...keyPrincipal, kind: 'root' }), undefined);
    assert.equal(await f.identity.policies.principalPolicies({ ...keyPrincipal, accessKeyId: 'AKIAUNKNOWN' }), undefined);
    assert.equal(await f.identity.policies.principalPolicies({ ...keyPrincipal, credential: 'root' }), undefined);
    await f.identity.updateAccessKey(key.accessKeyId, { status: 'Inactive' });
    assert.equal(await f.identity.policies.principalPolicies(keyPrincipal), undefined);
    await f.identity.setUserStatus('app1', 'disabled');
    assert.equal(await f.identity.policies.principalPolicies(user), undefined);
    await f.identity.deleteUser('app1');
    assert.equal(await f.identity.policies.principalPolicies(user), undefined);
  });

  it('takes bucket policies from the injected source', async () => {
    assert.equal(await f.identity.policies.bucketPolicy('any'), undefined);
  });
});
