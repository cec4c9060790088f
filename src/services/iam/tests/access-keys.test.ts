import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { openIamFixture, policy, READ_BUCKET, rejectsWith, ROOT_KEY, type IamFixture } from './fixture.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('IAM access keys', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
    await f.identity.createUser({ name: 'app1' });
  });
  afterEach(() => f.close());

  it('creates a key with AWS shapes, returns the secret once and never again', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1', name: 'reports-reader', description: 'reads reports' });
    assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.match(key.secretAccessKey.reveal(), /^[A-Za-z0-9+/]{40}$/);
    assert.deepEqual([key.owner, key.status, key.name, key.description], ['app1', 'Active', 'reports-reader', 'reads reports']);
    const info = await f.identity.getAccessKey(key.accessKeyId);
    assert.ok(!('secretAccessKey' in info));
    assert.ok(!JSON.stringify(info).includes(key.secretAccessKey.reveal()));
    assert.ok(!JSON.stringify(key).includes(key.secretAccessKey.reveal()), 'Secret<T> redacts itself');
  });

  it('accepts a caller-chosen id and secret within limits and refuses reserved or malformed ones', async () => {
    await f.identity.createAccessKey({ owner: 'app1', accessKeyId: 'custom-key.1', secretKey: new Secret('custom-secret') });
    assert.equal((await f.identity.credentials.lookup('custom-key.1'))?.secretKey.reveal(), 'custom-secret');
    for (const accessKeyId of ['ab', 'x'.repeat(129), 'has=equals', 'has,comma', 'has space', ROOT_KEY, 'ASIAAAAAAAAAAAAAAAAA']) {
      await rejectsWith(f.identity.createAccessKey({ owner: 'app1', accessKeyId }), 'InvalidInput');
    }
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', secretKey: new Secret('short') }), 'InvalidInput');
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', accessKeyId: 'custom-key.1' }), 'EntityAlreadyExists');
  });

  it('validates name, description and expiry (15 minutes to 365 days ahead, truncated to seconds)', async () => {
    for (const name of ['1starts-with-digit', 'has space', 'x'.repeat(33)]) await rejectsWith(f.identity.createAccessKey({ owner: 'app1', name }), 'InvalidInput');
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', description: 'é'.repeat(129) }), 'InvalidInput');
    const now = f.clock.now().getTime();
    for (const at of [now - 1000, now + 14 * MINUTE, now + 366 * DAY]) await rejectsWith(f.identity.createAccessKey({ owner: 'app1', expiresAt: new Date(at) }), 'InvalidInput');
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', expiresAt: new Date(Number.NaN) }), 'InvalidInput');
    const key = await f.identity.createAccessKey({ owner: 'app1', expiresAt: new Date(now + DAY + 1234) });
    assert.equal(key.expiresAt?.getTime(), now + DAY + 1000);
  });

  it('stores an inline policy normalised; null, {} and {"Statement":null} mean inherit', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1', policy: JSON.stringify(JSON.parse(READ_BUCKET), null, 2) });
    assert.equal(key.policy, READ_BUCKET);
    for (const inherit of ['null', '{}', '{"Statement":null}']) {
      const other = await f.identity.createAccessKey({ owner: 'app1', policy: inherit });
      assert.equal(other.policy, undefined, inherit);
    }
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', policy: '{"Version":"2012-10-17","Statement":[]}' }), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', policy: '[]' }), 'MalformedPolicyDocument');
    const big = policy(...Array.from({ length: 60 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${i}` })));
    assert.ok(Buffer.byteLength(big) > 4096);
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1', policy: big }), 'MalformedPolicyDocument', /4096/);
  });

  it('lists keys per owner (root or a user) and refuses unknown owners', async () => {
    const a = await f.identity.createAccessKey({ owner: 'app1' });
    const r = await f.identity.createAccessKey({ owner: 'root' });
    assert.deepEqual((await f.identity.listAccessKeys('app1')).map((k) => k.accessKeyId), [a.accessKeyId]);
    assert.deepEqual((await f.identity.listAccessKeys('root')).map((k) => [k.accessKeyId, k.owner]), [[r.accessKeyId, 'root']]);
    await rejectsWith(f.identity.listAccessKeys('nobody'), 'NoSuchEntity');
    await rejectsWith(f.identity.createAccessKey({ owner: 'nobody' }), 'NoSuchEntity');
  });

  it('allows up to 100 keys per owner', async () => {
    for (let i = 0; i < 100; i++) await f.identity.createAccessKey({ owner: 'app1' });
    await rejectsWith(f.identity.createAccessKey({ owner: 'app1' }), 'LimitExceeded');
  });

  it('updates status, name, description, expiry, policy and secret', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1', name: 'n1', description: 'd1', policy: READ_BUCKET });
    const now = f.clock.now().getTime();
    let info = await f.identity.updateAccessKey(key.accessKeyId, { status: 'Inactive', name: 'n2', description: '', expiresAt: new Date(now + 2 * DAY), policy: null });
    assert.deepEqual([info.status, info.name, info.description, info.expiresAt?.getTime(), info.policy], ['Inactive', 'n2', undefined, now + 2 * DAY, undefined]);
    info = await f.identity.updateAccessKey(key.accessKeyId, { status: 'Active', expiresAt: null, policy: READ_BUCKET, secretKey: new Secret('brand-new-secret') });
    assert.deepEqual([info.status, info.expiresAt, info.policy], ['Active', undefined, READ_BUCKET]);
    assert.equal((await f.identity.credentials.lookup(key.accessKeyId))?.secretKey.reveal(), 'brand-new-secret');
    await rejectsWith(f.identity.updateAccessKey(key.accessKeyId, { status: 'Off' as never }), 'InvalidInput');
    await rejectsWith(f.identity.updateAccessKey(key.accessKeyId, { secretKey: new Secret('short') }), 'InvalidInput');
    await rejectsWith(f.identity.updateAccessKey('AKIAUNKNOWN', { status: 'Active' }), 'NoSuchEntity');
  });

  it('deletes a key; an unknown one is NoSuchEntity', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    await f.identity.deleteAccessKey(key.accessKeyId);
    await rejectsWith(f.identity.getAccessKey(key.accessKeyId), 'NoSuchEntity');
    await rejectsWith(f.identity.deleteAccessKey(key.accessKeyId), 'NoSuchEntity');
  });
});
