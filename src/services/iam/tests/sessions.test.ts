import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import type { Principal } from '../../../iam/credentials/index.js';
import { openIamFixture, policy, READ_BUCKET, rejectsWith, ROOT_KEY, trustUsers, type IamFixture } from './fixture.js';

const ROLE_ARN = 'arn:aws:iam::000000000000:role/reader';
const USER_ARN = 'arn:aws:iam::000000000000:user/app1';

describe('STS sessions (AssumeRole)', () => {
  let f: IamFixture;
  let caller: Principal;
  let rootCaller: Principal;
  beforeEach(async () => {
    f = await openIamFixture({ stsMaxDurationSeconds: 7200 });
    await f.identity.createUser({ name: 'app1', secretKey: new Secret('app1-secret') });
    await f.identity.createRole({ name: 'reader', trustPolicy: trustUsers(USER_ARN), maxSessionDurationSeconds: 10800 });
    caller = (await f.identity.credentials.lookup('app1'))!.principal;
    rootCaller = (await f.identity.credentials.lookup(ROOT_KEY))!.principal;
  });
  afterEach(() => f.close());

  it('issues role session credentials that authenticate as the assumed role', async () => {
    const s = await f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'nightly-job' });
    assert.match(s.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.match(s.secretAccessKey.reveal(), /^[A-Za-z0-9+/]{40}$/);
    assert.ok(s.sessionToken.reveal().length >= 43);
    assert.equal(s.expiration.getTime(), f.clock.now().getTime() + 3600_000);
    assert.equal(s.assumedRoleArn, 'arn:aws:sts::000000000000:assumed-role/reader/nightly-job');
    const role = await f.identity.getRole('reader');
    assert.equal(s.assumedRoleId, `${role.roleId}:nightly-job`);
    const found = await f.identity.credentials.lookup(s.accessKeyId);
    assert.equal(found?.secretKey.reveal(), s.secretAccessKey.reveal());
    assert.equal(found?.sessionToken?.reveal(), s.sessionToken.reveal());
    assert.deepEqual(
      { ...found?.principal, tags: undefined },
      {
        kind: 'assumed-role',
        accessKeyId: s.accessKeyId,
        credential: 'session',
        canonicalId: rootCaller.canonicalId,
        displayName: 'reader/nightly-job',
        arn: s.assumedRoleArn,
        userId: s.assumedRoleId,
        sourceArn: role.arn,
        tags: undefined,
      },
    );
  });

  it('issues a session of the user itself without a role, and of root', async () => {
    const s = await f.identity.assumeRole(caller, { durationSeconds: 900 });
    const p = (await f.identity.credentials.lookup(s.accessKeyId))!.principal;
    assert.deepEqual([p.kind, p.credential, p.arn, p.userName, p.sourceArn, p.userId], ['user', 'session', USER_ARN, 'app1', USER_ARN, caller.userId]);
    const r = await f.identity.assumeRole(rootCaller, {});
    const rp = (await f.identity.credentials.lookup(r.accessKeyId))!.principal;
    assert.deepEqual([rp.kind, rp.credential, rp.arn], ['root', 'session', 'arn:aws:iam::000000000000:root']);
  });

  it('refuses a session as the caller, and an access key or user that is no longer valid', async () => {
    const s = await f.identity.assumeRole(caller, {});
    const sessionPrincipal = (await f.identity.credentials.lookup(s.accessKeyId))!.principal;
    await rejectsWith(f.identity.assumeRole(sessionPrincipal, {}), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole(sessionPrincipal, { roleArn: ROLE_ARN, roleSessionName: 'x1' }), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole({ ...caller, credential: 'session' }, {}), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole({ ...caller, kind: 'assumed-role' }, {}), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole({ ...caller, arn: 'arn:aws:iam::000000000000:user/someone-else' }, {}), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole({ ...rootCaller, accessKeyId: 'NOTROOT' }, {}), 'AccessDenied');
    await f.identity.setUserStatus('app1', 'disabled');
    await rejectsWith(f.identity.assumeRole(caller, {}), 'AccessDenied');
  });

  it("refuses a role whose trust policy does not name the caller, and an unknown role, with the same answer", async () => {
    await f.identity.createUser({ name: 'other', secretKey: new Secret('other-secret') });
    const other = (await f.identity.credentials.lookup('other'))!.principal;
    await rejectsWith(f.identity.assumeRole(other, { roleArn: ROLE_ARN, roleSessionName: 'x1' }), 'AccessDenied', /not authorized to perform: sts:AssumeRole/);
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: 'arn:aws:iam::000000000000:role/missing', roleSessionName: 'x1' }), 'AccessDenied', /not authorized to perform: sts:AssumeRole/);
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: 'arn:aws:iam::000000000000:role/wrongpath/reader', roleSessionName: 'x1' }), 'AccessDenied');
    await rejectsWith(f.identity.assumeRole(rootCaller, { roleArn: ROLE_ARN, roleSessionName: 'x1' }), 'AccessDenied');
    await f.identity.createRole({ name: 'deny-app1', trustPolicy: policy({ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }) });
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: 'arn:aws:iam::000000000000:role/deny-app1', roleSessionName: 'x1' }), 'AccessDenied');
    await f.identity.assumeRole(other, { roleArn: 'arn:aws:iam::000000000000:role/deny-app1', roleSessionName: 'x1' });
  });

  it('checks RoleArn, RoleSessionName and DurationSeconds bounds (900 s to the role and configured maximum)', async () => {
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: 'arn:aws:iam::000000000000:user/app1', roleSessionName: 'ok' }), 'InvalidParameterValue');
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: ROLE_ARN }), 'MissingParameter');
    for (const name of ['x', 'has space', 'y'.repeat(65)]) await rejectsWith(f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: name }), 'InvalidParameterValue');
    for (const durationSeconds of [899, 7201, 1000.5]) {
      await rejectsWith(f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'ok', durationSeconds }), 'InvalidParameterValue');
      await rejectsWith(f.identity.assumeRole(caller, { durationSeconds }), 'InvalidParameterValue');
    }
    const longest = await f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'ok', durationSeconds: 7200 });
    assert.equal(longest.expiration.getTime() - f.clock.now().getTime(), 7200_000);
    await f.identity.updateRole('reader', { maxSessionDurationSeconds: 3600 });
    await rejectsWith(f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'ok', durationSeconds: 3601 }), 'InvalidParameterValue');
  });

  it('accepts a session policy up to 2048 bytes, reports its packed size, and refuses bigger or malformed ones', async () => {
    const s = await f.identity.assumeRole(caller, { policy: READ_BUCKET });
    assert.equal(s.packedPolicySize, Math.ceil((Buffer.byteLength(READ_BUCKET) * 100) / 2048));
    const big = policy(...Array.from({ length: 30 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${i}` })));
    assert.ok(Buffer.byteLength(big) > 2048);
    await rejectsWith(f.identity.assumeRole(caller, { policy: big }), 'InvalidParameterValue');
    await rejectsWith(f.identity.assumeRole(caller, { policy: '{"Statement":[]}' }), 'MalformedPolicyDocument');
    await rejectsWith(f.identity.assumeRole(caller, { policy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }) }), 'MalformedPolicyDocument');
  });

  it('stops accepting a session at its expiry, and prunes expired sessions', async () => {
    const s = await f.identity.assumeRole(caller, { durationSeconds: 900 });
    assert.ok(await f.identity.credentials.lookup(s.accessKeyId));
    f.clock.advance(899_000);
    assert.ok(await f.identity.credentials.lookup(s.accessKeyId), 'cached, still valid');
    f.clock.advance(1_000);
    // Expired, not unknown: the SigV4 layer answers ExpiredToken once signature and token match.
    assert.equal((await f.identity.credentials.lookup(s.accessKeyId))?.expired, true, 'the cached entry expires too');
    assert.equal(await f.identity.policies.principalPolicies((await f.identity.credentials.lookup(s.accessKeyId))!.principal), undefined, 'and grants nothing');
    const later = await f.identity.assumeRole(caller, { durationSeconds: 3600 });
    assert.equal(await f.identity.pruneExpired(), 1);
    assert.equal(await f.store.iam.getIamEntity('session', s.accessKeyId), undefined);
    assert.equal(await f.identity.credentials.lookup(s.accessKeyId), undefined, 'pruned: unknown');
    assert.ok(await f.identity.credentials.lookup(later.accessKeyId));
  });

  it('revokes sessions by user, role or access key before they expire', async () => {
    const own = await f.identity.assumeRole(caller, {});
    const viaRole = await f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'job' });
    const ofRoot = await f.identity.assumeRole(rootCaller, {});
    assert.equal(await f.identity.revokeSessions({ role: 'reader' }), 1);
    assert.equal(await f.identity.credentials.lookup(viaRole.accessKeyId), undefined);
    assert.ok(await f.identity.credentials.lookup(own.accessKeyId));
    assert.equal(await f.identity.revokeSessions({ user: 'app1' }), 1);
    assert.equal(await f.identity.credentials.lookup(own.accessKeyId), undefined);
    assert.equal(await f.identity.revokeSessions({ accessKeyId: ofRoot.accessKeyId }), 1);
    assert.equal(await f.identity.credentials.lookup(ofRoot.accessKeyId), undefined);
    const again = await f.identity.assumeRole(caller, {});
    assert.equal(await f.identity.revokeSessions({ accessKeyId: 'app1' }), 1, 'by the key that started it');
    assert.equal(await f.identity.credentials.lookup(again.accessKeyId), undefined);
    assert.equal(await f.identity.revokeSessions({ user: 'app1' }), 0);
  });

  it('ends the sessions a key started when that key is disabled or deleted, and role sessions when their user is', async () => {
    const key = await f.identity.createAccessKey({ owner: 'app1' });
    const keyCaller = (await f.identity.credentials.lookup(key.accessKeyId))!.principal;
    const s = await f.identity.assumeRole(keyCaller, { roleArn: ROLE_ARN, roleSessionName: 'job' });
    await f.identity.updateAccessKey(key.accessKeyId, { status: 'Inactive' });
    assert.equal(await f.identity.credentials.lookup(s.accessKeyId), undefined);
    await f.identity.updateAccessKey(key.accessKeyId, { status: 'Active' });
    assert.ok(await f.identity.credentials.lookup(s.accessKeyId));
    await f.identity.deleteAccessKey(key.accessKeyId);
    assert.equal(await f.store.iam.getIamEntity('session', s.accessKeyId), undefined);
    const t = await f.identity.assumeRole(caller, { roleArn: ROLE_ARN, roleSessionName: 'job' });
    await f.identity.setUserStatus('app1', 'disabled');
    assert.equal(await f.identity.credentials.lookup(t.accessKeyId), undefined);
  });
});
