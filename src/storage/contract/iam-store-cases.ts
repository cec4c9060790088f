/** IamStore contract: every op of applyIamChanges, atomicity, listing, expiry, generation. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { IamChange, IamEntity, IamStore } from '../ports.js';
import { assertStorageError } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const user = (name: string, extra: Partial<IamEntity> = {}): IamEntity => ({ kind: 'user', name, record: { formatVersion: 1, name, tags: { a: 'b' } }, ...extra });
const key = (name: string, owner: string, expiresAt?: Date): IamEntity => ({ kind: 'accesskey', name, owner, ...(expiresAt ? { expiresAt } : {}), record: { formatVersion: 1, owner } });
const create = (entity: IamEntity): IamChange => ({ op: 'put', entity, mode: 'create' });
const names = (entities: IamEntity[]) => entities.map((e) => e.name);

export function iamStoreCases(current: () => MetadataStoreHarness): void {
  const iam = (): IamStore => current().store.iam;

  it('creates an entity and returns every field of it, the record as stored JSON', async () => {
    const expiresAt = new Date('2030-01-02T03:04:05.000Z');
    const entity: IamEntity = { kind: 'accesskey', name: 'AKIAEXAMPLE', owner: 'user:alice', expiresAt, record: { formatVersion: 1, nested: { list: [1, 'two', null], flag: true } } };
    await iam().applyIamChanges([create(entity)]);
    assert.deepEqual(await iam().getIamEntity('accesskey', 'AKIAEXAMPLE'), entity);
    assert.equal(await iam().getIamEntity('accesskey', 'missing'), undefined);
    assert.equal(await iam().getIamEntity('user', 'AKIAEXAMPLE'), undefined, 'names are per kind');
  });

  it('refuses to create an entity that exists and keeps the original', async () => {
    await iam().applyIamChanges([create(user('alice'))]);
    await assertStorageError(iam().applyIamChanges([create(user('alice', { record: { formatVersion: 1, other: true } }))]), 'AlreadyExists');
    assert.deepEqual((await iam().getIamEntity('user', 'alice'))?.record, user('alice').record);
  });

  it('replaces an existing entity (owner and expiry too) and refuses to replace a missing one', async () => {
    await iam().applyIamChanges([create(key('K1', 'user:a', new Date('2030-01-01T00:00:00.000Z')))]);
    await iam().applyIamChanges([{ op: 'put', mode: 'replace', entity: { kind: 'accesskey', name: 'K1', record: { formatVersion: 1, v: 2 } } }]);
    assert.deepEqual(await iam().getIamEntity('accesskey', 'K1'), { kind: 'accesskey', name: 'K1', record: { formatVersion: 1, v: 2 } });
    await assertStorageError(iam().applyIamChanges([{ op: 'put', mode: 'replace', entity: user('nobody') }]), 'NotFound');
    assert.equal(await iam().getIamEntity('user', 'nobody'), undefined);
  });

  it('upserts: creates a missing entity and replaces an existing one', async () => {
    await iam().applyIamChanges([{ op: 'put', mode: 'upsert', entity: user('bob') }]);
    assert.deepEqual(await iam().getIamEntity('user', 'bob'), user('bob'));
    const changed = user('bob', { owner: 'x', record: { formatVersion: 1, changed: true } });
    await iam().applyIamChanges([{ op: 'put', mode: 'upsert', entity: changed }]);
    assert.deepEqual(await iam().getIamEntity('user', 'bob'), changed);
  });

  it('deletes an entity; a missing one is ignored unless mustExist', async () => {
    await iam().applyIamChanges([create(user('carol'))]);
    await iam().applyIamChanges([{ op: 'delete', kind: 'user', name: 'carol', mustExist: true }]);
    assert.equal(await iam().getIamEntity('user', 'carol'), undefined);
    await iam().applyIamChanges([{ op: 'delete', kind: 'user', name: 'carol' }]);
    await assertStorageError(iam().applyIamChanges([{ op: 'delete', kind: 'user', name: 'carol', mustExist: true }]), 'NotFound');
  });

  it("deletes every entity of one kind that one owner holds, and nobody else's", async () => {
    await iam().applyIamChanges([create(key('K1', 'user:a')), create(key('K2', 'user:a')), create(key('K3', 'user:b')), create(user('user:a'))]);
    await iam().applyIamChanges([{ op: 'deleteOwned', kind: 'accesskey', owner: 'user:a' }]);
    assert.deepEqual(names(await iam().listIamEntities('accesskey', { limit: 10 })), ['K3']);
    assert.ok(await iam().getIamEntity('user', 'user:a'));
  });

  it('links idempotently, lists links by either end, and unlinks one or all', async () => {
    const link = (from: string, to: string): IamChange => ({ op: 'link', kind: 'member', from, to });
    await iam().applyIamChanges([link('g1', 'u1'), link('g1', 'u2'), link('g2', 'u1'), link('g1', 'u1')]);
    await iam().applyIamChanges([{ op: 'link', kind: 'attached', from: 'user:u1', to: 'readonly' }]);
    assert.deepEqual(await iam().listIamLinks('member', {}), [{ from: 'g1', to: 'u1' }, { from: 'g1', to: 'u2' }, { from: 'g2', to: 'u1' }]);
    assert.deepEqual(await iam().listIamLinks('member', { to: 'u1' }), [{ from: 'g1', to: 'u1' }, { from: 'g2', to: 'u1' }]);
    assert.deepEqual(await iam().listIamLinks('member', { from: 'g1', to: 'u2' }), [{ from: 'g1', to: 'u2' }]);
    assert.deepEqual(await iam().listIamLinks('attached', {}), [{ from: 'user:u1', to: 'readonly' }]);
    await iam().applyIamChanges([{ op: 'unlink', kind: 'member', from: 'g1', to: 'u2' }, { op: 'unlink', kind: 'member', from: 'g9', to: 'u9' }]);
    assert.deepEqual(await iam().listIamLinks('member', { from: 'g1' }), [{ from: 'g1', to: 'u1' }]);
    await iam().applyIamChanges([{ op: 'unlinkAll', kind: 'member', to: 'u1' }]);
    assert.deepEqual(await iam().listIamLinks('member', {}), []);
    assert.equal((await iam().listIamLinks('attached', {})).length, 1, 'other link kinds are untouched');
    await iam().applyIamChanges([link('g3', 'u3'), link('g3', 'u4'), link('g4', 'u3'), { op: 'unlinkAll', kind: 'member', from: 'g3' }]);
    assert.deepEqual(await iam().listIamLinks('member', {}), [{ from: 'g4', to: 'u3' }]);
  });

  it('applies a batch all or nothing: a failing change leaves none of the earlier ones applied', async () => {
    await iam().applyIamChanges([create(user('existing')), { op: 'link', kind: 'member', from: 'g', to: 'keep' }]);
    const before = await iam().iamGeneration();
    const batch: IamChange[] = [
      create(user('new-one')),
      { op: 'delete', kind: 'user', name: 'existing' },
      { op: 'link', kind: 'member', from: 'g', to: 'new-one' },
      { op: 'unlinkAll', kind: 'member', from: 'g' },
      create(key('K1', 'user:new-one')),
      { op: 'put', mode: 'replace', entity: user('ghost') },
    ];
    await assertStorageError(iam().applyIamChanges(batch), 'NotFound');
    assert.equal(await iam().getIamEntity('user', 'new-one'), undefined);
    assert.ok(await iam().getIamEntity('user', 'existing'));
    assert.equal(await iam().getIamEntity('accesskey', 'K1'), undefined);
    assert.deepEqual(await iam().listIamLinks('member', {}), [{ from: 'g', to: 'keep' }]);
    assert.equal(await iam().iamGeneration(), before, 'a failed batch does not bump the generation');
  });

  it('applies the changes of a batch in order', async () => {
    await iam().applyIamChanges([create(user('x')), { op: 'delete', kind: 'user', name: 'x', mustExist: true }, create(user('x', { owner: 'second' }))]);
    assert.equal((await iam().getIamEntity('user', 'x'))?.owner, 'second');
  });

  it('lists names in UTF-8 byte order, page by page after a cursor', async () => {
    const all = ['b', 'B', 'a.b', 'a-b', 'a_b', 'Zed', 'é', 'z', '@x'];
    await iam().applyIamChanges(all.map((name) => create(user(name))));
    const sorted = [...all].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(names(await iam().listIamEntities('user', { limit: 100 })), sorted);
    const pages: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await iam().listIamEntities('user', { limit: 4, ...(after === undefined ? {} : { after }) });
      pages.push(...names(page));
      if (page.length < 4) break;
      after = page.at(-1)?.name;
    }
    assert.deepEqual(pages, sorted);
    assert.deepEqual(await iam().listIamEntities('user', { limit: 0 }), []);
    assert.deepEqual(await iam().listIamEntities('group', { limit: 10 }), [], 'other kinds are separate');
  });

  it("lists only one owner's entities when asked, in name order with paging", async () => {
    await iam().applyIamChanges([create(key('K3', 'user:a')), create(key('K1', 'user:a')), create(key('K2', 'user:b')), create(key('K0', 'root'))]);
    assert.deepEqual(names(await iam().listIamEntities('accesskey', { owner: 'user:a', limit: 10 })), ['K1', 'K3']);
    assert.deepEqual(names(await iam().listIamEntities('accesskey', { owner: 'user:a', after: 'K1', limit: 10 })), ['K3']);
    assert.deepEqual(names(await iam().listIamEntities('accesskey', { owner: 'root', limit: 1 })), ['K0']);
    assert.deepEqual(names(await iam().listIamEntities('accesskey', { owner: 'nobody', limit: 10 })), []);
  });

  it('deletes entities of a kind that expired before a time, and nothing else', async () => {
    const session = (name: string, expiresAt?: Date): IamEntity => ({ kind: 'session', name, owner: 'user:a', ...(expiresAt ? { expiresAt } : {}), record: { formatVersion: 1 } });
    await iam().applyIamChanges([
      create(session('S1', new Date('2025-01-01T00:00:00.000Z'))),
      create(session('S2', new Date('2025-01-01T00:00:01.000Z'))),
      create(session('S3', new Date('2026-01-01T00:00:00.000Z'))),
      create(session('S4')),
      create(key('K1', 'user:a', new Date('2020-01-01T00:00:00.000Z'))),
    ]);
    const before = await iam().iamGeneration();
    assert.equal(await iam().deleteExpiredIamEntities('session', new Date('2025-01-01T00:00:01.000Z')), 1);
    const afterFirst = await iam().iamGeneration();
    assert.ok(afterFirst > before, 'a prune that removed something bumps the generation');
    assert.deepEqual(names(await iam().listIamEntities('session', { limit: 10 })), ['S2', 'S3', 'S4']);
    assert.equal(await iam().deleteExpiredIamEntities('session', new Date('2025-06-01T00:00:00.000Z')), 1);
    assert.equal(await iam().deleteExpiredIamEntities('session', new Date('2025-06-01T00:00:00.000Z')), 0);
    assert.equal(await iam().iamGeneration(), afterFirst + 1, 'a prune that removed nothing leaves the generation alone');
    assert.ok(await iam().getIamEntity('accesskey', 'K1'), 'other kinds are untouched');
  });

  it('bumps the generation with every batch, monotonically, and keeps it across a reopen', async () => {
    const seen = [await iam().iamGeneration()];
    for (const name of ['g1', 'g2', 'g3']) {
      const returned = await iam().applyIamChanges([create({ kind: 'group', name, record: { formatVersion: 1 } })]);
      assert.equal(returned, await iam().iamGeneration(), 'applyIamChanges returns the new generation');
      seen.push(returned);
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `generation ${seen[i]} after ${seen[i - 1]}`);
    const store = await current().reopen();
    assert.equal(await store.iam.iamGeneration(), seen.at(-1));
    assert.deepEqual(names(await store.iam.listIamEntities('group', { limit: 10 })), ['g1', 'g2', 'g3']);
  });
}
