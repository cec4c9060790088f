import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { openIamFixture, READ_BUCKET, rejectsWith, ROOT_KEY, type IamFixture } from './fixture.js';

describe('IAM users', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
  });
  afterEach(() => f.close());

  it('creates a user with an AWS-style id, ARN, path and tags, and reads it back', async () => {
    const created = await f.identity.createUser({ name: 'app1', path: '/apps/', tags: { team: 'data', env: 'prod' } });
    assert.match(created.userId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(created.arn, 'arn:aws:iam::000000000000:user/apps/app1');
    assert.equal(created.status, 'enabled');
    assert.deepEqual(created.tags, { env: 'prod', team: 'data' });
    assert.deepEqual(await f.identity.getUser('app1'), created);
  });

  it('refuses names outside AWS rules, reserved names and a second user of the same name', async () => {
    for (const name of ['', 'a'.repeat(65), 'has space', 'slash/no', 'star*', 'root', ROOT_KEY]) {
      await rejectsWith(f.identity.createUser({ name }), 'InvalidInput');
    }
    await f.identity.createUser({ name: 'a'.repeat(64) });
    await f.identity.createUser({ name: 'w+=,.@-_9' });
    await rejectsWith(f.identity.createUser({ name: 'w+=,.@-_9' }), 'EntityAlreadyExists');
  });

  it('refuses bad paths and too many or malformed tags', async () => {
    for (const path of ['apps/', '/apps', '/a b/', `/${'x'.repeat(511)}/`]) await rejectsWith(f.identity.createUser({ name: 'u', path }), 'InvalidInput');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(f.identity.createUser({ name: 'u', tags: many }), 'LimitExceeded');
    await rejectsWith(f.identity.createUser({ name: 'u', tags: { 'aws:x': 'v' } }), 'InvalidInput');
    await rejectsWith(f.identity.createUser({ name: 'u', tags: { k: 'v'.repeat(257) } }), 'InvalidInput');
    await rejectsWith(f.identity.getUser('u'), 'NoSuchEntity');
  });

  it('creates a login access key named like the user when given a secret (MinIO admin user add)', async () => {
    await f.identity.createUser({ name: 'app1', secretKey: new Secret('app1-secret-key') });
    const keys = await f.identity.listAccessKeys('app1');
    assert.deepEqual(keys.map((k) => [k.accessKeyId, k.owner, k.status]), [['app1', 'app1', 'Active']]);
    const found = await f.identity.credentials.lookup('app1');
    assert.equal(found?.secretKey.reveal(), 'app1-secret-key');
    assert.equal(found?.principal.userName, 'app1');
  });

  it('refuses a login key that is too short, has = or , in it, or a secret under 8 characters, and creates nothing', async () => {
    await rejectsWith(f.identity.createUser({ name: 'ab', secretKey: new Secret('long-enough') }), 'InvalidInput');
    await rejectsWith(f.identity.createUser({ name: 'a=b', secretKey: new Secret('long-enough') }), 'InvalidInput');
    await rejectsWith(f.identity.createUser({ name: 'a,b', secretKey: new Secret('long-enough') }), 'InvalidInput');
    await rejectsWith(f.identity.createUser({ name: 'abc', secretKey: new Secret('short') }), 'InvalidInput');
    assert.deepEqual((await f.identity.listUsers()).items, []);
  });

  it('refuses a login key that another key already uses, and leaves no user behind', async () => {
    await f.identity.createUser({ name: 'owner' });
    await f.identity.createAccessKey({ owner: 'owner', accessKeyId: 'taken', secretKey: new Secret('12345678') });
    await rejectsWith(f.identity.createUser({ name: 'taken', secretKey: new Secret('12345678') }), 'EntityAlreadyExists');
    await rejectsWith(f.identity.getUser('taken'), 'NoSuchEntity');
  });

  it('lists users in name order with a path prefix and pages with a marker', async () => {
    for (const name of ['d', 'b', 'a', 'c', 'e']) await f.identity.createUser({ name, path: name < 'c' ? '/x/' : '/' });
    const first = await f.identity.listUsers({ maxItems: 2 });
    assert.deepEqual(first.items.map((u) => u.name), ['a', 'b']);
    assert.equal(first.marker, 'b');
    const second = await f.identity.listUsers({ maxItems: 2, marker: first.marker });
    assert.deepEqual(second.items.map((u) => u.name), ['c', 'd']);
    const last = await f.identity.listUsers({ maxItems: 2, marker: second.marker });
    assert.deepEqual(last.items.map((u) => u.name), ['e']);
    assert.equal(last.marker, undefined);
    assert.deepEqual((await f.identity.listUsers({ pathPrefix: '/x/' })).items.map((u) => u.name), ['a', 'b']);
    await rejectsWith(f.identity.listUsers({ maxItems: 0 }), 'InvalidInput');
    await rejectsWith(f.identity.listUsers({ maxItems: 1001 }), 'InvalidInput');
  });

  it('tags and untags a user, keeping at most 50 tags', async () => {
    await f.identity.createUser({ name: 'u', tags: { a: '1' } });
    await f.identity.tagUser('u', { b: '2', a: 'one' });
    assert.deepEqual((await f.identity.getUser('u')).tags, { a: 'one', b: '2' });
    await f.identity.untagUser('u', ['a', 'missing']);
    assert.deepEqual((await f.identity.getUser('u')).tags, { b: '2' });
    await rejectsWith(f.identity.tagUser('u', Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']))), 'LimitExceeded');
    await rejectsWith(f.identity.tagUser('nobody', { a: 'b' }), 'NoSuchEntity');
  });

  it('disables and enables a user', async () => {
    await f.identity.createUser({ name: 'u' });
    await f.identity.setUserStatus('u', 'disabled');
    assert.equal((await f.identity.getUser('u')).status, 'disabled');
    await f.identity.setUserStatus('u', 'enabled');
    assert.equal((await f.identity.getUser('u')).status, 'enabled');
    await rejectsWith(f.identity.setUserStatus('u', 'off' as never), 'InvalidInput');
    await rejectsWith(f.identity.setUserStatus('nobody', 'disabled'), 'NoSuchEntity');
  });

  it('deletes a user with its keys, sessions, memberships, attachments and inline policies, in one go', async () => {
    await f.identity.createUser({ name: 'usr', secretKey: new Secret('usr-secret-1') });
    const key = await f.identity.createAccessKey({ owner: 'usr' });
    await f.identity.createGroup({ name: 'g' });
    await f.identity.addUserToGroup('g', 'usr');
    await f.identity.createPolicy({ name: 'p', document: READ_BUCKET });
    await f.identity.attachPolicy({ type: 'user', name: 'usr' }, 'p');
    await f.identity.putInlinePolicy({ type: 'user', name: 'usr' }, 'inline', READ_BUCKET);
    const caller = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    const session = await f.identity.assumeRole(caller, {});

    await f.identity.deleteUser('usr');
    await rejectsWith(f.identity.getUser('usr'), 'NoSuchEntity');
    assert.equal(await f.identity.credentials.lookup('usr'), undefined);
    assert.equal(await f.identity.credentials.lookup(key.accessKeyId), undefined);
    assert.equal(await f.identity.credentials.lookup(session.accessKeyId), undefined);
    assert.equal(await f.store.iam.getIamEntity('session', session.accessKeyId), undefined, 'the session row is gone too');
    assert.deepEqual((await f.identity.getGroup('g')).members, []);
    assert.deepEqual(await f.identity.listPolicyEntities('p'), []);
    await f.identity.deletePolicy('p');
    // A new user of the same name starts clean.
    await f.identity.createUser({ name: 'usr' });
    const fresh = await f.identity.getUser('usr');
    assert.deepEqual([fresh.groups, fresh.attachedPolicies, fresh.inlinePolicies], [[], [], []]);
    await rejectsWith(f.identity.deleteUser('nobody'), 'NoSuchEntity');
  });
});
