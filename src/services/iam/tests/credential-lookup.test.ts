import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { LocalKeySealer } from '../../../iam/credentials/index.js';
import { openIamFixture, ROOT_KEY, ROOT_SECRET, type IamFixture } from './fixture.js';

describe('credential lookup (the request path)', () => {
  let f: IamFixture;
  beforeEach(async () => {
    f = await openIamFixture();
    await f.identity.createUser({ name: 'app1', secretKey: new Secret('app1-login-secret'), tags: { team: 'data' } });
  });
  afterEach(() => f.close());

  it('finds root, a login key and an access key with their principals; long-term keys carry no session token', async () => {
    const root = await f.identity.credentials.lookup(ROOT_KEY);
    assert.deepEqual([root?.secretKey.reveal(), root?.principal.kind, root?.principal.credential], [ROOT_SECRET, 'root', 'root']);
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    const found = await f.identity.credentials.lookup(key.accessKeyId);
    assert.equal(found?.secretKey.reveal(), key.secretAccessKey.reveal());
    assert.equal(found?.sessionToken, undefined);
    const p = found!.principal;
    assert.deepEqual([p.kind, p.credential, p.arn, p.userName, p.displayName, p.tags?.team], ['user', 'access-key', 'arn:aws:iam::000000000000:user/app1', 'app1', 'app1', 'data']);
    assert.equal(p.canonicalId, root?.principal.canonicalId, 'one account, one canonical id');
    const rootKey = await f.identity.createAccessKey({ owner: 'root' });
    const rp = (await f.identity.credentials.lookup(rootKey.accessKeyId))!.principal;
    assert.deepEqual([rp.kind, rp.credential, rp.arn], ['root', 'access-key', 'arn:aws:iam::000000000000:root']);
  });

  it('answers unknown, disabled, inactive, expired and deleted credentials identically: undefined', async () => {
    const active = await f.identity.createAccessKey({ owner: 'app1' });
    const inactive = await f.identity.createAccessKey({ owner: 'app1' });
    await f.identity.updateAccessKey(inactive.accessKeyId, { status: 'Inactive' });
    const expiring = await f.identity.createAccessKey({ owner: 'app1', expiresAt: new Date(f.clock.now().getTime() + 20 * 60_000) });
    const deleted = await f.identity.createAccessKey({ owner: 'app1' });
    await f.identity.deleteAccessKey(deleted.accessKeyId);
    assert.ok(await f.identity.credentials.lookup(expiring.accessKeyId));
    f.clock.advance(20 * 60_000);
    for (const id of ['AKIANOTAKEY000000000', inactive.accessKeyId, expiring.accessKeyId, deleted.accessKeyId, '', 'x'.repeat(200)]) {
      assert.equal(await f.identity.credentials.lookup(id), undefined, id);
    }
    assert.ok(await f.identity.credentials.lookup(active.accessKeyId));
    await f.identity.setUserStatus('app1', 'disabled');
    assert.equal(await f.identity.credentials.lookup(active.accessKeyId), undefined);
    assert.equal(await f.identity.credentials.lookup('app1'), undefined);
  });

  it('takes a disable, a delete or a re-enable into account on the very next lookup', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    for (let i = 0; i < 3; i++) assert.ok(await f.identity.credentials.lookup(key.accessKeyId), 'cached');
    await f.identity.updateAccessKey(key.accessKeyId, { status: 'Inactive' });
    assert.equal(await f.identity.credentials.lookup(key.accessKeyId), undefined);
    await f.identity.updateAccessKey(key.accessKeyId, { status: 'Active' });
    assert.ok(await f.identity.credentials.lookup(key.accessKeyId));
    await f.identity.deleteUser('app1');
    assert.equal(await f.identity.credentials.lookup(key.accessKeyId), undefined);
  });

  it("sees another node's changes once its cached generation is older than the check interval", async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    const slow = await f.peer({ generationCheckIntervalMs: 60_000 });
    const quick = await f.peer({ generationCheckIntervalMs: 30 });
    assert.ok(await slow.credentials.lookup(key.accessKeyId));
    assert.ok(await quick.credentials.lookup(key.accessKeyId));
    await f.identity.setUserStatus('app1', 'disabled');
    assert.ok(await slow.credentials.lookup(key.accessKeyId), 'within the interval the other node still answers from its cache');
    await sleep(40);
    assert.equal(await quick.credentials.lookup(key.accessKeyId), undefined);
  });

  it('refuses root, root-owned keys and root sessions when root API access is off', async () => {
    const rootKey = await f.identity.createAccessKey({ owner: 'root' });
    const rootCaller = (await f.identity.credentials.lookup(ROOT_KEY))!.principal;
    const session = await f.identity.assumeRole(rootCaller, {});
    const off = await f.peer({ apiRootAccess: false });
    for (const id of [ROOT_KEY, rootKey.accessKeyId, session.accessKeyId]) assert.equal(await off.credentials.lookup(id), undefined, id);
    assert.ok(await off.credentials.lookup('app1'), 'users are unaffected');
    await assert.rejects(off.assumeRole(rootCaller, {}), { code: 'AccessDenied' });
  });

  it('keeps secrets and session tokens out of the database file in clear', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1', secretKey: new Secret('custom-plaintext-secret-XYZ') });
    const generated = await f.identity.createAccessKey({ owner: 'app1' });
    const caller = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    const session = await f.identity.assumeRole(caller, {});
    const bytes = Buffer.concat([await readFile(f.dbPath), await readFile(`${f.dbPath}-wal`).catch(() => Buffer.alloc(0))]);
    assert.ok(bytes.includes(Buffer.from(key.accessKeyId)), 'the file is the one written to');
    for (const secret of ['app1-login-secret', 'custom-plaintext-secret-XYZ', generated.secretAccessKey.reveal(), session.secretAccessKey.reveal(), session.sessionToken.reveal()]) {
      assert.equal(bytes.includes(Buffer.from(secret)), false, 'a secret is stored in clear');
    }
  });

  it('treats a sealed secret moved to another key, or sealed under another key file, as no credential', async () => {
    const a = await f.identity.createAccessKey({ owner: 'app1' });
    const b = await f.identity.createAccessKey({ owner: 'app1' });
    const rowA = (await f.store.iam.getIamEntity('accesskey', a.accessKeyId))!;
    const rowB = (await f.store.iam.getIamEntity('accesskey', b.accessKeyId))!;
    const moved = { ...rowB, record: { ...(rowB.record as object), sealedSecret: (rowA.record as { sealedSecret: string }).sealedSecret } };
    await f.store.iam.applyIamChanges([{ op: 'put', mode: 'replace', entity: moved }]);
    const other = await f.peer();
    assert.equal(await other.credentials.lookup(b.accessKeyId), undefined);
    assert.ok(await other.credentials.lookup(a.accessKeyId));
    const foreign = await new LocalKeySealer(Buffer.alloc(32, 7)).seal(new Secret('x'), { purpose: 'secret', accessKeyId: a.accessKeyId });
    await f.store.iam.applyIamChanges([{ op: 'put', mode: 'replace', entity: { ...rowA, record: { ...(rowA.record as object), sealedSecret: foreign } } }]);
    const third = await f.peer();
    assert.equal(await third.credentials.lookup(a.accessKeyId), undefined);
  });
});
