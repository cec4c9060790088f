import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openIamFixture, READ_BUCKET, rejectsWith, type IamFixture } from './fixture.js';

describe('IAM groups', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
  });
  afterEach(() => f.close());

  it('creates a group with an AGPA id and ARN, and refuses a duplicate or a bad name', async () => {
    const group = await f.identity.createGroup({ name: 'devs', path: '/eng/' });
    assert.match(group.groupId, /^AGPA[A-Z2-7]{17}$/);
    assert.equal(group.arn, 'arn:aws:iam::000000000000:group/eng/devs');
    assert.deepEqual(await f.identity.getGroup('devs'), group);
    await rejectsWith(f.identity.createGroup({ name: 'devs' }), 'EntityAlreadyExists');
    await rejectsWith(f.identity.createGroup({ name: 'no spaces' }), 'InvalidInput');
    await rejectsWith(f.identity.getGroup('nobody'), 'NoSuchEntity');
  });

  it('adds and removes members idempotently and shows membership on both sides', async () => {
    await f.identity.createGroup({ name: 'g' });
    await f.identity.createUser({ name: 'u1' });
    await f.identity.createUser({ name: 'u2' });
    await f.identity.addUserToGroup('g', 'u1');
    await f.identity.addUserToGroup('g', 'u1');
    await f.identity.addUserToGroup('g', 'u2');
    assert.deepEqual((await f.identity.getGroup('g')).members, ['u1', 'u2']);
    assert.deepEqual((await f.identity.getUser('u1')).groups, ['g']);
    await f.identity.removeUserFromGroup('g', 'u1');
    await f.identity.removeUserFromGroup('g', 'u1');
    assert.deepEqual((await f.identity.getGroup('g')).members, ['u2']);
    await rejectsWith(f.identity.addUserToGroup('g', 'nobody'), 'NoSuchEntity');
    await rejectsWith(f.identity.addUserToGroup('nogroup', 'u1'), 'NoSuchEntity');
  });

  it('limits a user to 10 groups', async () => {
    await f.identity.createUser({ name: 'u' });
    for (let i = 0; i < 11; i++) await f.identity.createGroup({ name: `g${i}` });
    for (let i = 0; i < 10; i++) await f.identity.addUserToGroup(`g${i}`, 'u');
    await rejectsWith(f.identity.addUserToGroup('g10', 'u'), 'LimitExceeded');
  });

  it('refuses to delete a group with members or policies unless forced, then removes its links', async () => {
    await f.identity.createGroup({ name: 'g' });
    await f.identity.createUser({ name: 'u' });
    await f.identity.addUserToGroup('g', 'u');
    await rejectsWith(f.identity.deleteGroup('g'), 'DeleteConflict');
    await f.identity.removeUserFromGroup('g', 'u');
    await f.identity.attachPolicy({ type: 'group', name: 'g' }, 'readonly');
    await rejectsWith(f.identity.deleteGroup('g'), 'DeleteConflict');
    await f.identity.detachPolicy({ type: 'group', name: 'g' }, 'readonly');
    await f.identity.putInlinePolicy({ type: 'group', name: 'g' }, 'p', READ_BUCKET);
    await rejectsWith(f.identity.deleteGroup('g'), 'DeleteConflict');
    await f.identity.addUserToGroup('g', 'u');
    await f.identity.attachPolicy({ type: 'group', name: 'g' }, 'readonly');
    await f.identity.deleteGroup('g', { force: true });
    await rejectsWith(f.identity.getGroup('g'), 'NoSuchEntity');
    assert.deepEqual((await f.identity.getUser('u')).groups, []);
    assert.equal((await f.identity.getPolicy('readonly')).attachmentCount, 0);
  });

  it('lists groups with paging and sets their status', async () => {
    for (const name of ['c', 'a', 'b']) await f.identity.createGroup({ name });
    const page = await f.identity.listGroups({ maxItems: 2 });
    assert.deepEqual([page.items.map((g) => g.name), page.marker], [['a', 'b'], 'b']);
    await f.identity.setGroupStatus('a', 'disabled');
    assert.equal((await f.identity.getGroup('a')).status, 'disabled');
    await rejectsWith(f.identity.setGroupStatus('a', 'nope' as never), 'InvalidInput');
  });
});
