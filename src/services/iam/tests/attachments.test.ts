import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DENY_DELETE, openIamFixture, policy, READ_BUCKET, rejectsWith, type IamFixture } from './fixture.js';

const trust = policy({ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'sts:AssumeRole' });

describe('IAM policy attachments and inline policies', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
    await f.identity.createUser({ name: 'u' });
    await f.identity.createGroup({ name: 'g' });
    await f.identity.createRole({ name: 'r', trustPolicy: trust });
    await f.identity.createPolicy({ name: 'p', path: '/x/', document: READ_BUCKET });
  });
  afterEach(() => f.close());

  it('attaches by name or ARN to users, groups and roles, idempotently, and lists both ways', async () => {
    await f.identity.attachPolicy({ type: 'user', name: 'u' }, 'arn:aws:iam::000000000000:policy/x/p');
    await f.identity.attachPolicy({ type: 'user', name: 'u' }, 'p');
    await f.identity.attachPolicy({ type: 'group', name: 'g' }, 'p');
    await f.identity.attachPolicy({ type: 'role', name: 'r' }, 'p');
    await f.identity.attachPolicy({ type: 'role', name: 'r' }, 'readonly');
    assert.deepEqual((await f.identity.listAttachedPolicies({ type: 'user', name: 'u' })).map((p) => p.name), ['p']);
    assert.deepEqual((await f.identity.listAttachedPolicies({ type: 'role', name: 'r' })).map((p) => p.name), ['p', 'readonly']);
    assert.deepEqual(await f.identity.listPolicyEntities('p'), [
      { type: 'group', name: 'g' },
      { type: 'role', name: 'r' },
      { type: 'user', name: 'u' },
    ]);
    assert.equal((await f.identity.getPolicy('p')).attachmentCount, 3);
    assert.deepEqual((await f.identity.getUser('u')).attachedPolicies, ['p']);
  });

  it('refuses unknown targets and policies, and detaching what is not attached', async () => {
    await rejectsWith(f.identity.attachPolicy({ type: 'user', name: 'nobody' }, 'p'), 'NoSuchEntity');
    await rejectsWith(f.identity.attachPolicy({ type: 'user', name: 'u' }, 'missing'), 'NoSuchEntity');
    await rejectsWith(f.identity.attachPolicy({ type: 'bucket' as never, name: 'u' }, 'p'), 'InvalidInput');
    await rejectsWith(f.identity.detachPolicy({ type: 'user', name: 'u' }, 'p'), 'NoSuchEntity');
  });

  it('attaches at most 10 managed policies to one principal', async () => {
    for (let i = 0; i < 10; i++) {
      await f.identity.createPolicy({ name: `p${i}`, document: READ_BUCKET });
      await f.identity.attachPolicy({ type: 'group', name: 'g' }, `p${i}`);
    }
    await rejectsWith(f.identity.attachPolicy({ type: 'group', name: 'g' }, 'p'), 'LimitExceeded');
  });

  it('puts, replaces, reads, lists and deletes inline policies, stored normalised', async () => {
    const target = { type: 'user', name: 'u' } as const;
    await f.identity.putInlinePolicy(target, 'read', JSON.stringify(JSON.parse(READ_BUCKET), null, 4));
    await f.identity.putInlinePolicy(target, 'deny', DENY_DELETE);
    assert.equal(await f.identity.getInlinePolicy(target, 'read'), READ_BUCKET);
    await f.identity.putInlinePolicy(target, 'read', DENY_DELETE);
    assert.equal(await f.identity.getInlinePolicy(target, 'read'), DENY_DELETE);
    assert.deepEqual(await f.identity.listInlinePolicies(target), ['deny', 'read']);
    assert.deepEqual((await f.identity.getUser('u')).inlinePolicies, ['deny', 'read']);
    await f.identity.deleteInlinePolicy(target, 'read');
    assert.deepEqual(await f.identity.listInlinePolicies(target), ['deny']);
    await rejectsWith(f.identity.getInlinePolicy(target, 'read'), 'NoSuchEntity');
    await rejectsWith(f.identity.deleteInlinePolicy(target, 'read'), 'NoSuchEntity');
    await rejectsWith(f.identity.getInlinePolicy(target, 'constructor'), 'NoSuchEntity');
    await rejectsWith(f.identity.putInlinePolicy(target, 'bad name', READ_BUCKET), 'InvalidInput');
    await rejectsWith(f.identity.putInlinePolicy(target, 'bad', '{"Version":"2012-10-17","Statement":[]}'), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.putInlinePolicy({ type: 'role', name: 'nobody' }, 'x', READ_BUCKET), 'NoSuchEntity');
  });

  it("caps the aggregate size of a principal's inline policies as AWS does (user 2048, group 5120, role 10240)", async () => {
    const statements = (n: number) => policy(...Array.from({ length: n }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/*` })));
    const size = (n: number) => Buffer.byteLength(statements(n));
    const fits = (cap: number) => {
      let n = 1;
      while (size(n + 1) <= cap) n++;
      return n;
    };
    for (const [type, name, cap] of [['user', 'u', 2048], ['group', 'g', 5120], ['role', 'r', 10240]] as const) {
      await f.identity.putInlinePolicy({ type, name }, 'big', statements(fits(cap)));
      await rejectsWith(f.identity.putInlinePolicy({ type, name }, 'more', READ_BUCKET), 'LimitExceeded');
      await rejectsWith(f.identity.putInlinePolicy({ type, name }, 'big', statements(fits(cap) + 1)), 'LimitExceeded');
    }
  });
});
