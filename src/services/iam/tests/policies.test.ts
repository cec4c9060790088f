import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DENY_DELETE, openIamFixture, policy, READ_BUCKET, rejectsWith, WRITE_BUCKET, type IamFixture } from './fixture.js';

describe('IAM managed policies', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
  });
  afterEach(() => f.close());

  it('stores a policy as submitted (what AWS returns) with an ANPA id, and finds it by name or ARN', async () => {
    const pretty = JSON.stringify(JSON.parse(READ_BUCKET), null, 2);
    const created = await f.identity.createPolicy({ name: 'read-reports', document: pretty, description: 'reads', path: '/team/' });
    assert.match(created.policyId, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(created.arn, 'arn:aws:iam::000000000000:policy/team/read-reports');
    assert.equal(created.document, pretty);
    assert.equal(created.defaultVersionId, 'v1');
    assert.equal(created.builtIn, false);
    assert.deepEqual(await f.identity.getPolicy(created.arn), created);
    assert.deepEqual(await f.identity.getPolicy('read-reports'), created);
    await rejectsWith(f.identity.getPolicy('arn:aws:iam::000000000000:policy/other/read-reports'), 'NoSuchEntity');
    await rejectsWith(f.identity.getPolicy('arn:aws:s3:::bucket'), 'InvalidInput');
  });

  it('refuses malformed documents with a message naming statement and field', async () => {
    await rejectsWith(f.identity.createPolicy({ name: 'p', document: '{' }), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.createPolicy({ name: 'p', document: '' }), 'MalformedPolicyDocument');
    const badAction = policy({ Effect: 'Allow', Action: 's3:GetObject' }, { Effect: 'Allow', Action: 's3:NoSuchThing', Resource: '*' });
    await rejectsWith(f.identity.createPolicy({ name: 'p', document: badAction }), 'MalformedPolicyDocument', /Statement\[/);
    const withPrincipal = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' });
    await rejectsWith(f.identity.createPolicy({ name: 'p', document: withPrincipal }), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.getPolicy('p'), 'NoSuchEntity');
  });

  it('refuses bad names and a name taken by another policy or a built-in', async () => {
    await rejectsWith(f.identity.createPolicy({ name: 'x'.repeat(129), document: READ_BUCKET }), 'InvalidInput');
    await f.identity.createPolicy({ name: 'x'.repeat(128), document: READ_BUCKET });
    await f.identity.createPolicy({ name: 'p', document: READ_BUCKET });
    await rejectsWith(f.identity.createPolicy({ name: 'p', document: WRITE_BUCKET }), 'EntityAlreadyExists');
    await rejectsWith(f.identity.createPolicy({ name: 'readonly', document: WRITE_BUCKET }), 'EntityAlreadyExists');
  });

  it('shows the built-ins, which cannot be deleted or versioned', async () => {
    const readonly = await f.identity.getPolicy('readonly');
    assert.equal(readonly.builtIn, true);
    assert.equal(readonly.arn, 'arn:aws:iam::000000000000:policy/readonly');
    assert.match(readonly.document, /s3:ListBucket/);
    assert.deepEqual(await f.identity.getPolicy('readonly'), readonly, 'stable ids');
    await rejectsWith(f.identity.deletePolicy('readonly'), 'InvalidInput');
    await rejectsWith(f.identity.createPolicyVersion('readonly', WRITE_BUCKET, true), 'InvalidInput');
    await rejectsWith(f.identity.setDefaultPolicyVersion('readonly', 'v1'), 'InvalidInput');
    assert.deepEqual((await f.identity.listPolicyVersions('readonly')).map((v) => v.versionId), ['v1']);
  });

  it('lists built-in and local policies merged in name order, by scope, with paging and onlyAttached', async () => {
    for (const name of ['alpha', 'zulu', 'mike']) await f.identity.createPolicy({ name, document: READ_BUCKET });
    const all = await f.identity.listPolicies({ maxItems: 1000 });
    assert.deepEqual(all.items.map((p) => p.name), [
      'alpha', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'consoleAdmin', 'diagnostics', 'IAMFullAccess', 'IAMReadOnlyAccess',
      'mike', 'readonly', 'readwrite', 'writeonly', 'zulu',
    ]);
    assert.deepEqual((await f.identity.listPolicies({ scope: 'Local' })).items.map((p) => p.name), ['alpha', 'mike', 'zulu']);
    assert.equal((await f.identity.listPolicies({ scope: 'BuiltIn' })).items.length, 9);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await f.identity.listPolicies({ maxItems: 3, marker });
      names.push(...page.items.map((p) => p.name));
      marker = page.marker;
    } while (marker !== undefined);
    assert.deepEqual(names, all.items.map((p) => p.name));
    await f.identity.createUser({ name: 'u' });
    await f.identity.attachPolicy({ type: 'user', name: 'u' }, 'mike');
    await f.identity.attachPolicy({ type: 'user', name: 'u' }, 'readwrite');
    assert.deepEqual((await f.identity.listPolicies({ onlyAttached: true })).items.map((p) => [p.name, p.attachmentCount]), [['mike', 1], ['readwrite', 1]]);
  });

  it('offers the AWS managed policies under their AWS ARN only, attachable and effective', async () => {
    const full = await f.identity.getPolicy('arn:aws:iam::aws:policy/AmazonS3FullAccess');
    assert.equal(full.arn, 'arn:aws:iam::aws:policy/AmazonS3FullAccess');
    assert.equal(full.builtIn, true);
    assert.match(full.document, /"s3:\*"/);
    assert.match((await f.identity.getPolicy('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')).document, /s3:Get\*.*s3:List\*/);
    assert.match((await f.identity.getPolicy('arn:aws:iam::aws:policy/IAMReadOnlyAccess')).document, /iam:Get\*.*iam:List\*/);
    assert.equal((await f.identity.getPolicy('arn:aws:iam::aws:policy/IAMFullAccess')).arn, 'arn:aws:iam::aws:policy/IAMFullAccess');
    await rejectsWith(f.identity.getPolicy('arn:aws:iam::000000000000:policy/AmazonS3FullAccess'), 'NoSuchEntity');
    await rejectsWith(f.identity.getPolicy('arn:aws:iam::aws:policy/readonly'), 'NoSuchEntity');
    await rejectsWith(f.identity.getPolicy('arn:aws:iam::aws:policy/NoSuchAwsPolicy'), 'NoSuchEntity');
    await rejectsWith(f.identity.deletePolicy('arn:aws:iam::aws:policy/IAMFullAccess'), 'InvalidInput');
    await f.identity.createUser({ name: 'u' });
    await f.identity.attachPolicy({ type: 'user', name: 'u' }, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    const attached = await f.identity.listAttachedPolicies({ type: 'user', name: 'u' });
    assert.deepEqual(attached.map((p) => p.arn), ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
    assert.deepEqual(await f.identity.listPolicyEntities('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'), [{ type: 'user', name: 'u' }]);
    await f.identity.detachPolicy({ type: 'user', name: 'u' }, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    assert.deepEqual(await f.identity.listAttachedPolicies({ type: 'user', name: 'u' }), []);
  });

  it('treats policy names case-insensitively: unique, found and listed in case-insensitive order', async () => {
    await f.identity.createPolicy({ name: 'Ab', document: READ_BUCKET });
    await rejectsWith(f.identity.createPolicy({ name: 'ab', document: READ_BUCKET }), 'EntityAlreadyExists');
    await rejectsWith(f.identity.createPolicy({ name: 'ReadOnly', document: READ_BUCKET }), 'EntityAlreadyExists');
    assert.equal((await f.identity.getPolicy('aB')).name, 'Ab');
    assert.equal((await f.identity.getPolicy('arn:aws:iam::000000000000:policy/AB')).arn, 'arn:aws:iam::000000000000:policy/Ab');
    for (const name of ['ac', 'aa', 'Ad']) await f.identity.createPolicy({ name, document: READ_BUCKET });
    assert.deepEqual((await f.identity.listPolicies({ scope: 'Local' })).items.map((p) => p.name), ['aa', 'Ab', 'ac', 'Ad']);
    const first = await f.identity.listPolicies({ scope: 'Local', maxItems: 2 });
    assert.deepEqual(first.items.map((p) => p.name), ['aa', 'Ab']);
    const second = await f.identity.listPolicies({ scope: 'Local', maxItems: 2, marker: first.marker });
    assert.deepEqual(second.items.map((p) => p.name), ['ac', 'Ad']);
    await f.identity.createUser({ name: 'u' });
    await f.identity.attachPolicy({ type: 'user', name: 'U' }, 'AB');
    assert.deepEqual((await f.identity.getUser('u')).attachedPolicies, ['Ab']);
    await rejectsWith(f.identity.deletePolicy('ab'), 'DeleteConflict');
    await f.identity.detachPolicy({ type: 'user', name: 'u' }, 'aB');
    await f.identity.deletePolicy('AB');
    await rejectsWith(f.identity.getPolicy('Ab'), 'NoSuchEntity');
  });

  it('keeps at most 5 versions, switches the default, and never deletes the default version', async () => {
    await f.identity.createPolicy({ name: 'p', document: READ_BUCKET });
    const v2 = await f.identity.createPolicyVersion('p', WRITE_BUCKET, false);
    assert.deepEqual([v2.versionId, v2.isDefault], ['v2', false]);
    assert.equal((await f.identity.getPolicy('p')).document, READ_BUCKET);
    await f.identity.createPolicyVersion('p', DENY_DELETE, true);
    assert.equal((await f.identity.getPolicy('p')).document, DENY_DELETE);
    await f.identity.createPolicyVersion('p', READ_BUCKET, false);
    await f.identity.createPolicyVersion('p', READ_BUCKET, false);
    await rejectsWith(f.identity.createPolicyVersion('p', READ_BUCKET, false), 'LimitExceeded');
    await rejectsWith(f.identity.deletePolicyVersion('p', 'v3'), 'DeleteConflict');
    await f.identity.deletePolicyVersion('p', 'v1');
    const v6 = await f.identity.createPolicyVersion('p', WRITE_BUCKET, false);
    assert.equal(v6.versionId, 'v6', 'version numbers are never reused');
    assert.deepEqual((await f.identity.listPolicyVersions('p')).map((v) => [v.versionId, v.isDefault]), [['v6', false], ['v5', false], ['v4', false], ['v3', true], ['v2', false]]);
    await f.identity.setDefaultPolicyVersion('p', 'v2');
    assert.equal((await f.identity.getPolicyVersion('p', 'v2')).isDefault, true);
    await rejectsWith(f.identity.getPolicyVersion('p', 'v1'), 'NoSuchEntity');
    await rejectsWith(f.identity.setDefaultPolicyVersion('p', 'v9'), 'NoSuchEntity');
    await rejectsWith(f.identity.createPolicyVersion('p', '{"Version":"2012-10-17"}', true), 'MalformedPolicyDocument');
  });

  it('refuses to delete a policy while it is attached anywhere', async () => {
    await f.identity.createPolicy({ name: 'p', document: READ_BUCKET });
    await f.identity.createRole({ name: 'r', trustPolicy: policy({ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'sts:AssumeRole' }) });
    await f.identity.attachPolicy({ type: 'role', name: 'r' }, 'p');
    await rejectsWith(f.identity.deletePolicy('p'), 'DeleteConflict');
    await f.identity.detachPolicy({ type: 'role', name: 'r' }, 'p');
    await f.identity.deletePolicy('p');
    await rejectsWith(f.identity.getPolicy('p'), 'NoSuchEntity');
    await rejectsWith(f.identity.deletePolicy('p'), 'NoSuchEntity');
  });
});
