/** The admin API through the typed client: the user story end to end, and each area's CRUD. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ROOT_ACCESS_KEY, startTestServer, expectS3Error, type TestServer } from '../helpers/server.js';
import type { AdminClient } from '../../client/index.js';
import { readFile } from 'node:fs/promises';
import { adminAs, allow, daysFromNow, deny, expectAdminError, policy, rootAdmin } from './admin-helpers.js';

const READ_MY_BUCKET = policy(
  allow(['s3:GetObject'], ['arn:aws:s3:::my-bucket/*']),
  allow(['s3:ListBucket'], ['arn:aws:s3:::my-bucket']),
);
const ONLY_REPORTS = policy({ Sid: 'OnlyReports', ...allow('s3:GetObject', 'arn:aws:s3:::my-bucket/reports/*') });

describe('admin API: the user story (least-privilege key in a few calls)', () => {
  let server: TestServer;
  let root: AdminClient;
  let reportsKey: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    server = await startTestServer();
    root = rootAdmin(server);
    for (const bucket of ['my-bucket', 'other-bucket']) await server.client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['reports/q1.csv', 'private/notes.txt']) {
      await server.client.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: key, Body: `body of ${key}` }));
    }
    await server.client.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'x', Body: 'x' }));
  });
  after(() => server.stop());

  it('creates the policy, the user with its secret, and attaches the policy', async () => {
    const created = await root.createPolicy({ name: 'read-my-bucket', document: READ_MY_BUCKET });
    assert.equal(created.arn, 'arn:aws:iam::000000000000:policy/read-my-bucket');
    assert.deepEqual((created.document as { Statement: unknown[] }).Statement.length, 2);
    const user = await root.createUser({ name: 'app1', secretKey: 'app1-secret-key' });
    assert.equal(user.arn, 'arn:aws:iam::000000000000:user/app1');
    assert.equal(user.status, 'enabled');
    assert.equal((user as unknown as Record<string, unknown>).secretKey, undefined);
    await root.attachPolicy('read-my-bucket', { user: 'app1' });
    assert.deepEqual((await root.getUser('app1')).attachedPolicies, ['read-my-bucket']);
    assert.deepEqual(await root.policyEntities('read-my-bucket'), { policy: 'read-my-bucket', users: ['app1'], groups: [], roles: [] });
  });

  it('lets app1 read my-bucket through the AWS SDK and refuses PutObject and other buckets', async () => {
    const app1 = server.clientFor('app1', 'app1-secret-key');
    const got = await app1.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'private/notes.txt' }));
    assert.equal(await got.Body?.transformToString(), 'body of private/notes.txt');
    const listed = await app1.send(new ListObjectsV2Command({ Bucket: 'my-bucket' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['private/notes.txt', 'reports/q1.csv']);
    await expectS3Error(app1.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'new', Body: 'x' })), 'AccessDenied', 403);
    await expectS3Error(app1.send(new GetObjectCommand({ Bucket: 'other-bucket', Key: 'x' })), 'AccessDenied', 403);
    await expectS3Error(app1.send(new ListObjectsV2Command({ Bucket: 'other-bucket' })), 'AccessDenied', 403);
  });

  it('creates an access key narrowed by an inline policy, with a name and an expiry, and shows its secret once', async () => {
    const expiry = daysFromNow(200);
    const key = await root.createAccessKey({ user: 'app1', policy: ONLY_REPORTS, name: 'reports-reader', expiration: expiry });
    assert.match(key.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(typeof key.secretAccessKey, 'string');
    assert.ok(key.secretAccessKey.length >= 40);
    assert.equal(key.owner, 'app1');
    assert.equal(key.name, 'reports-reader');
    assert.equal(key.expiresAt?.replace('.000Z', 'Z'), expiry);
    assert.deepEqual((key.policy as { Statement: Array<{ Sid: string }> }).Statement[0]?.Sid, 'OnlyReports');
    reportsKey = key;
    const info = await root.getAccessKey(key.accessKeyId);
    assert.equal((info as unknown as Record<string, unknown>).secretAccessKey, undefined);
    const listed = await root.listAccessKeys({ user: 'app1' });
    assert.ok(listed.items.some((k) => k.accessKeyId === key.accessKeyId));
    assert.ok(listed.items.every((k) => (k as unknown as Record<string, unknown>).secretAccessKey === undefined));
  });

  it('lets the narrowed key read only reports/ and nothing its policy or its owner does not allow', async () => {
    const reader = server.clientFor(reportsKey.accessKeyId, reportsKey.secretAccessKey);
    const got = await reader.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'reports/q1.csv' }));
    assert.equal(await got.Body?.transformToString(), 'body of reports/q1.csv');
    await expectS3Error(reader.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'private/notes.txt' })), 'AccessDenied', 403);
    await expectS3Error(reader.send(new ListObjectsV2Command({ Bucket: 'my-bucket' })), 'AccessDenied', 403);
    await expectS3Error(reader.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'reports/new', Body: 'x' })), 'AccessDenied', 403);
  });

  it('explains an allowed request by naming the deciding statement', async () => {
    const result = await root.explain({ accessKey: reportsKey.accessKeyId, action: 's3:GetObject', resource: 'arn:aws:s3:::my-bucket/reports/q1.csv' });
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowed, true);
    assert.equal(result.principal.arn, 'arn:aws:iam::000000000000:user/app1');
    const labels = result.statements.map((s) => `${s.policy}#${s.sid ?? s.index}`);
    assert.ok(labels.some((l) => l.includes('read-my-bucket')), labels.join(' '));
    assert.ok(labels.some((l) => l.endsWith('#OnlyReports')), labels.join(' '));
    assert.equal(JSON.stringify(result).includes(reportsKey.secretAccessKey), false);
  });

  it('explains a refused PutObject (no statement allows) and an explicit Deny by its statement', async () => {
    const refused = await root.explain({ accessKey: 'app1', action: 's3:PutObject', resource: 'arn:aws:s3:::my-bucket/x' });
    assert.equal(refused.decision, 'NoDecision');
    assert.equal(refused.allowed, false);
    assert.deepEqual(refused.statements, []);
    await root.createPolicy({ name: 'no-private', document: policy({ Sid: 'NoPrivate', ...deny('s3:GetObject', 'arn:aws:s3:::my-bucket/private/*') }) });
    await root.attachPolicy('no-private', { user: 'app1' });
    const denied = await root.explain({ accessKey: 'app1', action: 's3:GetObject', resource: 'arn:aws:s3:::my-bucket/private/notes.txt' });
    assert.equal(denied.decision, 'Deny');
    assert.deepEqual(denied.statements.map((s) => [s.effect, s.sid]), [['Deny', 'NoPrivate']]);
    await root.detachPolicy('no-private', { user: 'app1' });
  });

  it('explains with condition values the request would carry, and refuses keys that come from the principal', async () => {
    await root.createPolicy({ name: 'office-only', document: policy(deny('s3:*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })) });
    await root.attachPolicy('office-only', { user: 'app1' });
    const outside = await root.explain({ accessKey: 'app1', action: 's3:GetObject', resource: 'arn:aws:s3:::my-bucket/reports/q1.csv', conditions: { 'aws:SourceIp': '192.0.2.1' } });
    assert.equal(outside.decision, 'Deny');
    const inside = await root.explain({ accessKey: 'app1', action: 's3:GetObject', resource: 'arn:aws:s3:::my-bucket/reports/q1.csv', conditions: { 'aws:SourceIp': '10.1.2.3' } });
    assert.equal(inside.decision, 'Allow');
    await root.detachPolicy('office-only', { user: 'app1' });
    await expectAdminError(root.explain({ accessKey: 'app1', action: 's3:GetObject', resource: '*', conditions: { 'aws:username': 'root' } }), 'InvalidInput', 400);
  });

  it('answers explain for an unknown access key with NoSuchEntity, and needs admin:ExplainPolicy', async () => {
    await expectAdminError(root.explain({ accessKey: 'AKIANOSUCHKEY0000000', action: 's3:GetObject', resource: '*' }), 'NoSuchEntity', 404);
    const app1 = adminAs(server, 'app1', 'app1-secret-key');
    await expectAdminError(app1.explain({ accessKey: 'app1', action: 's3:GetObject', resource: '*' }), 'AccessDenied', 403);
  });

  it('reports server info without secrets, paths or environment', async () => {
    const info = await root.serverInfo();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(info.version, pkg.version);
    assert.equal(info.region, 'us-east-1');
    assert.ok(info.uptimeSeconds >= 0);
    assert.ok(info.counts.users >= 1);
    assert.ok(info.counts.policies >= 5 + 3);
    const text = JSON.stringify(info);
    for (const leak of [server.dataDir, ROOT_ACCESS_KEY, 'secret', 'COFFER_']) assert.equal(text.includes(leak), false, leak);
  });
});

describe('admin API: users, groups, policies and roles', () => {
  let server: TestServer;
  let root: AdminClient;

  before(async () => {
    server = await startTestServer();
    root = rootAdmin(server);
  });
  after(() => server.stop());

  it('creates, lists, disables, enables and deletes users', async () => {
    await root.createUser({ name: 'u1', path: '/team/', tags: { team: 'blue' } });
    await root.createUser({ name: 'u2' });
    const listed = await root.listUsers();
    assert.deepEqual(listed.items.map((u) => u.name), ['u1', 'u2']);
    assert.deepEqual(listed.items[0]?.tags, { team: 'blue' });
    assert.equal(listed.items[0]?.path, '/team/');
    const page = await root.listUsers({ maxItems: 1 });
    assert.equal(page.items.length, 1);
    assert.ok(page.marker !== undefined);
    await root.setUserStatus('u1', 'disabled');
    assert.equal((await root.getUser('u1')).status, 'disabled');
    await root.setUserStatus('u1', 'enabled');
    await root.deleteUser('u2');
    await expectAdminError(root.getUser('u2'), 'NoSuchEntity', 404);
    await expectAdminError(root.createUser({ name: 'u1' }), 'EntityAlreadyExists', 409);
  });

  it('creates a group with members, adds and removes members, disables it and deletes it', async () => {
    await root.createUser({ name: 'g-a' });
    await root.createUser({ name: 'g-b' });
    const group = await root.createGroup({ name: 'devs', members: ['g-a'] });
    assert.deepEqual(group.members, ['g-a']);
    assert.deepEqual((await root.addGroupMembers('devs', ['g-b'])).members.sort(), ['g-a', 'g-b']);
    assert.deepEqual((await root.getUser('g-b')).groups, ['devs']);
    await root.setGroupStatus('devs', 'disabled');
    assert.equal((await root.getGroup('devs')).status, 'disabled');
    await root.removeGroupMember('devs', 'g-a');
    assert.deepEqual((await root.getGroup('devs')).members, ['g-b']);
    assert.deepEqual((await root.listGroups()).items.map((g) => g.name), ['devs']);
    await expectAdminError(root.deleteGroup('devs'), 'DeleteConflict', 409);
    await root.deleteGroup('devs', { force: true });
    await expectAdminError(root.getGroup('devs'), 'NoSuchEntity', 404);
  });

  it('lists built-in and local policies, refuses deleting one in use, and deletes it once detached', async () => {
    await root.createPolicy({ name: 'p1', document: policy(allow('s3:GetObject', '*')), description: 'read anything' });
    const builtIns = (await root.listPolicies({ scope: 'BuiltIn' })).items.map((p) => p.name).sort();
    assert.deepEqual(builtIns, [
      'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'consoleAdmin', 'diagnostics', 'readonly', 'readwrite', 'writeonly',
    ]);
    assert.deepEqual((await root.listPolicies({ scope: 'Local' })).items.map((p) => p.name), ['p1']);
    assert.equal((await root.getPolicy('p1')).description, 'read anything');
    await root.createUser({ name: 'holder' });
    await root.attachPolicy('p1', { user: 'holder' });
    await expectAdminError(root.deletePolicy('p1'), 'DeleteConflict', 409);
    await root.detachPolicy('p1', { user: 'holder' });
    await root.deletePolicy('p1');
    await expectAdminError(root.getPolicy('p1'), 'NoSuchEntity', 404);
  });

  it('creates a role with a trust policy, attaches and detaches policies, and deletes it', async () => {
    const trust = policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/u1' }, Action: 'sts:AssumeRole' });
    const role = await root.createRole({ name: 'reader', trustPolicy: trust, description: 'reads', maxSessionDurationSeconds: 7200 });
    assert.equal(role.arn, 'arn:aws:iam::000000000000:role/reader');
    assert.equal(role.maxSessionDurationSeconds, 7200);
    await root.attachRolePolicy('reader', 'readonly');
    await root.attachPolicy('diagnostics', { role: 'reader' });
    assert.deepEqual((await root.getRole('reader')).attachedPolicies.sort(), ['diagnostics', 'readonly']);
    assert.deepEqual((await root.policyEntities('readonly')).roles, ['reader']);
    await expectAdminError(root.deleteRole('reader'), 'DeleteConflict', 409);
    await root.detachRolePolicy('reader', 'readonly');
    await root.detachPolicy('diagnostics', { role: 'reader' });
    assert.deepEqual((await root.listRoles()).items.map((r) => r.name), ['reader']);
    await root.deleteRole('reader');
    await expectAdminError(root.getRole('reader'), 'NoSuchEntity', 404);
  });

  it('disables, re-enables and deletes an access key; a deleted or disabled key stops working at once', async () => {
    await root.createUser({ name: 'k1' });
    await root.attachPolicy('readwrite', { user: 'k1' });
    const key = await root.createAccessKey({ user: 'k1', description: 'ci' });
    const s3 = server.clientFor(key.accessKeyId, key.secretAccessKey);
    await s3.send(new CreateBucketCommand({ Bucket: 'k1-bucket' }));
    assert.equal((await root.updateAccessKey(key.accessKeyId, { status: 'Inactive' })).status, 'Inactive');
    await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket: 'k1-bucket' })), 'InvalidAccessKeyId', 403);
    await root.updateAccessKey(key.accessKeyId, { status: 'Active', name: 'ci-key' });
    await s3.send(new ListObjectsV2Command({ Bucket: 'k1-bucket' }));
    await root.deleteAccessKey(key.accessKeyId);
    await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket: 'k1-bucket' })), 'InvalidAccessKeyId', 403);
    await expectAdminError(root.getAccessKey(key.accessKeyId), 'NoSuchEntity', 404);
  });
});
