import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, type IamEntity, type IamStore } from '../../../storage/ports.js';
import { BoundedCache, IamCache } from '../cache.js';
import { decodeAccessKey, decodeSession } from '../records-credentials.js';
import { decodeGroup, decodePolicy, decodeRole, decodeUser, encodeUser } from '../records.js';

function storeWithGeneration(read: () => Promise<number>): IamStore {
  return { iamGeneration: read } as unknown as IamStore;
}

describe('the IAM request-path cache', () => {
  it('drops its oldest entries beyond its bound', () => {
    const cache = new BoundedCache<number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) cache.set(k, i);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('d'), cache.size], [undefined, 1, 3, 3]);
  });

  it('clears every registered map and moves the epoch when invalidated', () => {
    const iam = new IamCache(storeWithGeneration(async () => 1));
    const map = iam.register(new BoundedCache<string>());
    map.set('k', 'v');
    const epoch = iam.epoch;
    iam.invalidate(5);
    assert.equal(map.get('k'), undefined);
    assert.notEqual(iam.epoch, epoch, 'a fill that started before must not be stored');
  });

  it('re-reads the generation only when the last check is older than the interval, once for all callers', async () => {
    let reads = 0;
    let generation = 1;
    const iam = new IamCache(storeWithGeneration(async () => (reads++, generation)), 50);
    const map = iam.register(new BoundedCache<string>());
    await Promise.all([iam.fresh(), iam.fresh(), iam.fresh()]);
    assert.equal(reads, 1);
    map.set('k', 'v');
    assert.equal(iam.fresh(), undefined, 'no I/O on the hot path within the interval');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await iam.fresh();
    assert.equal(map.get('k'), 'v', 'same generation: entries stay');
    generation = 2;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await iam.fresh();
    assert.equal(map.get('k'), undefined, 'another node changed something: entries go');
  });
});

describe('stored IAM records', () => {
  const entity = (kind: IamEntity['kind'], record: unknown, owner?: string): IamEntity => ({ kind, name: 'x', record, ...(owner ? { owner } : {}) });
  const corrupt = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof StorageError && e.code === 'Corrupt');

  it('round-trips a user record', () => {
    const user = { name: 'x', userId: 'AIDAX', path: '/', status: 'enabled' as const, tags: { a: 'b' }, inline: { p: '{}' }, createdAt: new Date(1000), updatedAt: new Date(2000) };
    assert.deepEqual(decodeUser(JSON.parse(JSON.stringify(encodeUser(user))) as IamEntity), user);
  });

  it('refuses records of an unknown format or the wrong shape instead of guessing', () => {
    corrupt(() => decodeUser(entity('user', { formatVersion: 2 })));
    corrupt(() => decodeUser(entity('user', null)));
    corrupt(() => decodeUser(entity('user', { formatVersion: 1, userId: 'A', status: 'maybe', path: '/', tags: [], inline: [], createdAt: 'x', updatedAt: 'x' })));
    corrupt(() => decodeGroup(entity('group', { formatVersion: 1, groupId: 1 })));
    corrupt(() => decodeRole(entity('role', { formatVersion: 1 })));
    corrupt(() => decodePolicy(entity('policy', { formatVersion: 1, versions: [null] })));
    corrupt(() => decodeAccessKey(entity('accesskey', { formatVersion: 1, sealedSecret: 'v1:x', status: 'Active' })));
    corrupt(() => decodeSession(entity('session', { formatVersion: 1 }, 'root')));
  });
});
