import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openIamFixture, policy, READ_BUCKET, rejectsWith, trustUsers, type IamFixture } from './fixture.js';

const TRUST = trustUsers('arn:aws:iam::000000000000:user/app1');

describe('IAM roles', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
  });
  afterEach(() => f.close());

  it('creates a role with an AROA id, ARN, the trust policy as submitted and default 1 h sessions', async () => {
    const pretty = JSON.stringify(JSON.parse(TRUST), null, 2);
    const role = await f.identity.createRole({ name: 'reader', path: '/svc/', trustPolicy: pretty, description: 'reads', tags: { a: 'b' } });
    assert.match(role.roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.arn, 'arn:aws:iam::000000000000:role/svc/reader');
    assert.equal(role.trustPolicy, pretty);
    assert.equal(role.maxSessionDurationSeconds, 3600);
    assert.deepEqual(await f.identity.getRole('reader'), role);
    assert.deepEqual((await f.identity.listRoles()).items.map((r) => r.name), ['reader']);
  });

  it('refuses a trust policy that is not one, bad durations, bad names and duplicates', async () => {
    await rejectsWith(f.identity.createRole({ name: 'r', trustPolicy: READ_BUCKET }), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.createRole({ name: 'r', trustPolicy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }) }), 'MalformedPolicyDocument');
    for (const seconds of [3599, 43201, 1.5]) await rejectsWith(f.identity.createRole({ name: 'r', trustPolicy: TRUST, maxSessionDurationSeconds: seconds }), 'InvalidInput');
    await rejectsWith(f.identity.createRole({ name: 'r'.repeat(65), trustPolicy: TRUST }), 'InvalidInput');
    await f.identity.createRole({ name: 'r', trustPolicy: TRUST, maxSessionDurationSeconds: 43200 });
    await rejectsWith(f.identity.createRole({ name: 'r', trustPolicy: TRUST }), 'EntityAlreadyExists');
  });

  it('updates description, maximum session duration and trust policy', async () => {
    await f.identity.createRole({ name: 'r', trustPolicy: TRUST, description: 'old' });
    await f.identity.updateRole('r', { description: 'new', maxSessionDurationSeconds: 7200 });
    const other = trustUsers('arn:aws:iam::000000000000:user/other');
    await f.identity.updateAssumeRolePolicy('r', other);
    const role = await f.identity.getRole('r');
    assert.deepEqual([role.description, role.maxSessionDurationSeconds, role.trustPolicy], ['new', 7200, other]);
    await rejectsWith(f.identity.updateRole('r', { maxSessionDurationSeconds: 60 }), 'InvalidInput');
    await rejectsWith(f.identity.updateAssumeRolePolicy('r', '{}'), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.updateRole('nobody', { description: 'x' }), 'NoSuchEntity');
  });

  it('refuses to delete a role with attached or inline policies, and ends its sessions when deleted', async () => {
    await f.identity.createUser({ name: 'app1' });
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    await f.identity.createRole({ name: 'r', trustPolicy: TRUST });
    await f.identity.attachPolicy({ type: 'role', name: 'r' }, 'readonly');
    await rejectsWith(f.identity.deleteRole('r'), 'DeleteConflict');
    await f.identity.detachPolicy({ type: 'role', name: 'r' }, 'readonly');
    await f.identity.putInlinePolicy({ type: 'role', name: 'r' }, 'p', READ_BUCKET);
    await rejectsWith(f.identity.deleteRole('r'), 'DeleteConflict');
    await f.identity.deleteInlinePolicy({ type: 'role', name: 'r' }, 'p');
    const caller = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    const session = await f.identity.assumeRole(caller, { roleArn: 'arn:aws:iam::000000000000:role/r', roleSessionName: 'job' });
    assert.ok(await f.identity.credentials.lookup(session.accessKeyId));
    await f.identity.deleteRole('r');
    assert.equal(await f.identity.credentials.lookup(session.accessKeyId), undefined);
    assert.equal(await f.store.iam.getIamEntity('session', session.accessKeyId), undefined);
    await rejectsWith(f.identity.deleteRole('r'), 'NoSuchEntity');
  });
});
