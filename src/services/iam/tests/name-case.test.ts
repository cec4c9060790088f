import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { openIamFixture, READ_BUCKET, rejectsWith, trustUsers, type IamFixture } from './fixture.js';

describe('IAM names are case-insensitive (AWS)', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
  });
  afterEach(() => f.close());

  it('refuses a user, group or role whose name differs from an existing one only in case', async () => {
    await f.identity.createUser({ name: 'ab' });
    await rejectsWith(f.identity.createUser({ name: 'Ab' }), 'EntityAlreadyExists');
    await f.identity.createGroup({ name: 'Team' });
    await rejectsWith(f.identity.createGroup({ name: 'TEAM' }), 'EntityAlreadyExists');
    await f.identity.createRole({ name: 'Reader', trustPolicy: trustUsers('arn:aws:iam::000000000000:user/ab') });
    await rejectsWith(f.identity.createRole({ name: 'reader', trustPolicy: trustUsers('arn:aws:iam::000000000000:user/ab') }), 'EntityAlreadyExists');
    await rejectsWith(f.identity.createUser({ name: 'ROOT' }), 'InvalidInput');
  });

  it('finds an entity by any case of its name and shows the name as first written', async () => {
    const created = await f.identity.createUser({ name: 'MixedCase', tags: { a: 'b' } });
    assert.deepEqual(await f.identity.getUser('mixedcase'), created);
    assert.equal(created.arn, 'arn:aws:iam::000000000000:user/MixedCase');
    await f.identity.tagUser('MIXEDCASE', { c: 'd' });
    assert.deepEqual((await f.identity.getUser('MixedCase')).tags, { a: 'b', c: 'd' });
    assert.equal((await f.identity.getGroup('team').catch(() => undefined)), undefined);
    await f.identity.createGroup({ name: 'Team' });
    assert.equal((await f.identity.getGroup('team')).name, 'Team');
    await f.identity.createRole({ name: 'Reader', trustPolicy: trustUsers('arn:aws:iam::000000000000:user/MixedCase') });
    assert.equal((await f.identity.getRole('READER')).arn, 'arn:aws:iam::000000000000:role/Reader');
    await f.identity.deleteRole('reader');
    await rejectsWith(f.identity.getRole('Reader'), 'NoSuchEntity');
  });

  it('links membership and attachments whatever case each call uses, and applies them', async () => {
    await f.identity.createUser({ name: 'Alice', secretKey: new Secret('alice-secret') });
    await f.identity.createGroup({ name: 'Readers' });
    await f.identity.createPolicy({ name: 'ReadReports', document: READ_BUCKET });
    await f.identity.addUserToGroup('readers', 'ALICE');
    await f.identity.addUserToGroup('READERS', 'alice');
    await f.identity.attachPolicy({ type: 'group', name: 'rEADERS' }, 'readreports');
    await f.identity.attachPolicy({ type: 'user', name: 'alice' }, 'ReadOnly');
    assert.deepEqual((await f.identity.getUser('alice')).groups, ['Readers']);
    assert.deepEqual((await f.identity.getUser('alice')).attachedPolicies, ['readonly']);
    assert.deepEqual((await f.identity.getGroup('readers')).members, ['Alice']);
    assert.deepEqual((await f.identity.getGroup('readers')).attachedPolicies, ['ReadReports']);
    const principal = (await f.identity.credentials.lookup('Alice'))!.principal;
    assert.equal(principal.userName, 'Alice');
    assert.equal(await f.identity.credentials.lookup('alice'), undefined, 'access key ids stay case-sensitive');
    const labels = (await f.identity.policies.principalPolicies(principal))?.identity.map((l) => l.label);
    assert.deepEqual(labels, ['user:Alice/policy:readonly', 'group:Readers/policy:ReadReports']);
    await f.identity.removeUserFromGroup('readers', 'alice');
    assert.deepEqual((await f.identity.getGroup('Readers')).members, []);
  });

  it('lists access keys of a user named in any case, and deletes the user and its keys by any case', async () => {
    await f.identity.createUser({ name: 'Bob' });
    const key = await f.identity.createAccessKey({ owner: 'bob' });
    assert.equal(key.owner, 'Bob');
    assert.deepEqual((await f.identity.listAccessKeys('BOB')).map((k) => k.accessKeyId), [key.accessKeyId]);
    await f.identity.deleteUser('bOB');
    await rejectsWith(f.identity.getUser('Bob'), 'NoSuchEntity');
    await rejectsWith(f.identity.getAccessKey(key.accessKeyId), 'NoSuchEntity');
  });

  it('lists users, groups and roles in case-insensitive order, also across pages', async () => {
    for (const name of ['ac', 'Ab', 'Ad', 'aa']) {
      await f.identity.createUser({ name });
      await f.identity.createGroup({ name });
      await f.identity.createRole({ name, trustPolicy: trustUsers('arn:aws:iam::000000000000:root') });
    }
    const expected = ['aa', 'Ab', 'ac', 'Ad'];
    assert.deepEqual((await f.identity.listUsers()).items.map((u) => u.name), expected);
    assert.deepEqual((await f.identity.listGroups()).items.map((g) => g.name), expected);
    assert.deepEqual((await f.identity.listRoles()).items.map((r) => r.name), expected);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await f.identity.listUsers({ maxItems: 1, marker });
      names.push(...page.items.map((u) => u.name));
      marker = page.marker;
    } while (marker !== undefined);
    assert.deepEqual(names, expected);
    const second = await f.identity.listRoles({ maxItems: 2, marker: 'AB' });
    assert.deepEqual(second.items.map((r) => r.name), ['ac', 'Ad']);
  });
});
