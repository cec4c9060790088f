/**
 * Self-service and escalation rules of the admin API, one regression test per rule and per
 * MinIO advisory it answers (reference §1.7 rule 7, §1.11, §10).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AdminClient } from '../../client/index.js';
import { sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';
import { adminAs, allow, deny, expectAdminError, policy, rootAdmin, userWith } from './admin-helpers.js';

const USER = (name: string): string => `arn:aws:iam::000000000000:user/${name}`;
const READ = allow('s3:GetObject', 'arn:aws:s3:::my-bucket/*');

describe('admin API: self-service and escalation rules', () => {
  let server: TestServer;
  let root: AdminClient;
  let app1: AdminClient;

  before(async () => {
    server = await startTestServer();
    root = rootAdmin(server);
    await server.client.send(new CreateBucketCommand({ Bucket: 'my-bucket' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'a', Body: 'a' }));
    await userWith(root, 'app1', 'app1-secret-key', policy(READ));
    await userWith(root, 'app2', 'app2-secret-key', policy(READ));
    await userWith(root, 'admin1', 'admin1-secret-key');
    await root.attachPolicy('consoleAdmin', { user: 'admin1' });
    app1 = adminAs(server, 'app1', 'app1-secret-key');
  });
  after(() => server.stop());

  describe('creating access keys (CVE-2022-24842, GHSA-jjjj-jwhf-8rgr)', () => {
    it('lets a user create a key for itself without any admin grant, and the key has its rights', async () => {
      const key = await app1.createAccessKey({ name: 'mine' });
      assert.equal(key.owner, 'app1');
      const s3 = server.clientFor(key.accessKeyId, key.secretAccessKey);
      await s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a' }));
      await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'b', Body: 'b' })), 'AccessDenied', 403);
    });

    it('refuses self-service key creation when a policy explicitly denies admin:CreateServiceAccount', async () => {
      await userWith(root, 'nokeys', 'nokeys-secret-key', policy(READ, deny('admin:CreateServiceAccount', '*')));
      await expectAdminError(adminAs(server, 'nokeys', 'nokeys-secret-key').createAccessKey({}), 'AccessDenied', 403);
    });

    it('refuses to create a key for another user or for root without an explicit Allow', async () => {
      await expectAdminError(app1.createAccessKey({ user: 'app2' }), 'AccessDenied', 403);
      await expectAdminError(app1.createAccessKey({ user: 'root' }), 'AccessDenied', 403);
      await expectAdminError(app1.listAccessKeys({ user: 'app2' }), 'AccessDenied', 403);
    });

    it('lets a key administrator create keys only for the users its Allow names', async () => {
      await userWith(root, 'keyadmin', 'keyadmin-secret-key', policy(allow(['admin:CreateServiceAccount', 'admin:ListServiceAccounts'], USER('app2'))));
      const keyadmin = adminAs(server, 'keyadmin', 'keyadmin-secret-key');
      assert.equal((await keyadmin.createAccessKey({ user: 'app2' })).owner, 'app2');
      assert.ok((await keyadmin.listAccessKeys({ user: 'app2' })).items.length >= 2);
      await expectAdminError(keyadmin.createAccessKey({ user: 'app1' }), 'AccessDenied', 403);
    });

    it('never lets a non-root caller create or list root-owned keys, even with admin:*', async () => {
      const admin1 = adminAs(server, 'admin1', 'admin1-secret-key');
      await expectAdminError(admin1.createAccessKey({ user: 'root' }), 'AccessDenied', 403);
      await expectAdminError(admin1.listAccessKeys({ user: 'root' }), 'AccessDenied', 403);
      assert.equal((await root.createAccessKey({ user: 'root' })).owner, 'root');
    });

    it('does not give a key with an inline policy the self-service path', async () => {
      const narrow = await root.createAccessKey({ user: 'app1', policy: policy(READ) });
      const client = adminAs(server, narrow.accessKeyId, narrow.secretAccessKey);
      await expectAdminError(client.createAccessKey({}), 'AccessDenied', 403);
    });

    it('lets a restricted key that may create keys mint only keys as narrow as itself', async () => {
      const self = allow('admin:CreateServiceAccount', USER('minter'));
      await userWith(root, 'minter', 'minter-secret-key', policy(self, allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::my-bucket/*')));
      const restricted = await root.createAccessKey({ user: 'minter', policy: policy(self, READ) });
      const client = adminAs(server, restricted.accessKeyId, restricted.secretAccessKey);
      await expectAdminError(client.createAccessKey({ policy: policy(allow('s3:*', '*')) }), 'AccessDenied', 403);
      const minted = await client.createAccessKey({});
      assert.deepEqual(minted.policy, restricted.policy);
      const s3 = server.clientFor(minted.accessKeyId, minted.secretAccessKey);
      await s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a' }));
      await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'b', Body: 'b' })), 'AccessDenied', 403);
      // The unrestricted login key of the same user may choose any (narrowing) policy.
      const full = adminAs(server, 'minter', 'minter-secret-key');
      assert.ok((await full.createAccessKey({ policy: policy(allow('s3:PutObject', 'arn:aws:s3:::my-bucket/*')) })).policy !== undefined);
    });
  });

  describe('updating and deleting access keys (CVE-2024-24747)', () => {
    it('needs an explicit Allow on admin:UpdateServiceAccount, even for your own key', async () => {
      const own = await app1.createAccessKey({});
      await expectAdminError(app1.updateAccessKey(own.accessKeyId, { name: 'renamed' }), 'AccessDenied', 403);
      await expectAdminError(app1.updateAccessKey('app1', { status: 'Inactive' }), 'AccessDenied', 403);
      await expectAdminError(app1.updateAccessKey(own.accessKeyId, { policy: null }), 'AccessDenied', 403);
      await expectAdminError(app1.deleteAccessKey(own.accessKeyId), 'AccessDenied', 403);
      await expectAdminError(app1.getAccessKey(own.accessKeyId), 'AccessDenied', 403);
    });

    it('lets an explicit Allow update your own keys but not another user’s', async () => {
      await userWith(root, 'editor', 'editor-secret-key', policy(allow('admin:UpdateServiceAccount', USER('editor'))));
      const editor = adminAs(server, 'editor', 'editor-secret-key');
      const own = await editor.createAccessKey({});
      assert.equal((await editor.updateAccessKey(own.accessKeyId, { name: 'renamed' })).name, 'renamed');
      const other = await root.createAccessKey({ user: 'app2' });
      await expectAdminError(editor.updateAccessKey(other.accessKeyId, { name: 'mine-now' }), 'AccessDenied', 403);
    });

    it('never lets a key with an inline policy change its own policy, secret or expiry, even when allowed', async () => {
      const update = allow('admin:UpdateServiceAccount', USER('selfeditor'));
      await userWith(root, 'selfeditor', 'selfeditor-secret-key', policy(update, READ));
      const key = await root.createAccessKey({ user: 'selfeditor', policy: policy(update, READ) });
      const client = adminAs(server, key.accessKeyId, key.secretAccessKey);
      await expectAdminError(client.updateAccessKey(key.accessKeyId, { policy: null }), 'AccessDenied', 403);
      await expectAdminError(client.updateAccessKey(key.accessKeyId, { policy: policy(allow('s3:*', '*')) }), 'AccessDenied', 403);
      await expectAdminError(client.updateAccessKey(key.accessKeyId, { secretKey: 'a-new-secret-123' }), 'AccessDenied', 403);
      await expectAdminError(client.updateAccessKey(key.accessKeyId, { expiration: null }), 'AccessDenied', 403);
      await expectAdminError(client.updateAccessKey('selfeditor', { secretKey: 'a-new-secret-123' }), 'AccessDenied', 403);
      assert.equal((await client.updateAccessKey(key.accessKeyId, { name: 'renamed' })).name, 'renamed');
      assert.deepEqual((await root.getAccessKey(key.accessKeyId)).policy, key.policy);
    });

    it('answers a caller allowed on some users the same for unknown keys and other users’ keys', async () => {
      await userWith(root, 'lister', 'lister-secret-key', policy(allow('admin:ListServiceAccounts', USER('app2'))));
      const lister = adminAs(server, 'lister', 'lister-secret-key');
      const app1Key = await root.createAccessKey({ user: 'app1' });
      const unknown = await expectAdminError(lister.getAccessKey('AKIAUNKNOWNKEY000000'), 'AccessDenied', 403);
      const other = await expectAdminError(lister.getAccessKey(app1Key.accessKeyId), 'AccessDenied', 403);
      assert.equal(unknown.message, other.message);
      await expectAdminError(root.getAccessKey('AKIAUNKNOWNKEY000000'), 'NoSuchEntity', 404);
      const rootKey = await root.createAccessKey({ user: 'root' });
      await expectAdminError(adminAs(server, 'admin1', 'admin1-secret-key').getAccessKey(rootKey.accessKeyId), 'NoSuchEntity', 404);
      await expectAdminError(adminAs(server, 'admin1', 'admin1-secret-key').deleteAccessKey(rootKey.accessKeyId), 'NoSuchEntity', 404);
      assert.equal((await root.getAccessKey(rootKey.accessKeyId)).owner, 'root');
    });
  });

  describe('creating users and changing secrets (CVE-2021-43858)', () => {
    it('lets an admin user create users with its login key, but not with its other access keys, nor root’s', async () => {
      const admin1 = adminAs(server, 'admin1', 'admin1-secret-key');
      await admin1.createUser({ name: 'made-by-admin1' });
      const extra = await root.createAccessKey({ user: 'admin1' });
      await expectAdminError(adminAs(server, extra.accessKeyId, extra.secretAccessKey).createUser({ name: 'made-by-key' }), 'AccessDenied', 403);
      const rootKey = await root.createAccessKey({ user: 'root' });
      await expectAdminError(adminAs(server, rootKey.accessKeyId, rootKey.secretAccessKey).createUser({ name: 'made-by-root-key' }), 'AccessDenied', 403);
      await expectAdminError(root.getUser('made-by-key'), 'NoSuchEntity', 404);
    });

    it('refuses user creation and secret changes to temporary (STS) credentials', async () => {
      const trust = policy({ Effect: 'Allow', Principal: { AWS: USER('admin1') }, Action: 'sts:AssumeRole' });
      await root.createRole({ name: 'admin-role', trustPolicy: trust });
      await root.attachRolePolicy('admin-role', 'consoleAdmin');
      const sts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'admin1', secretAccessKey: 'admin1-secret-key' }, maxAttempts: 1 });
      try {
        const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/admin-role', RoleSessionName: 'ops' }));
        const session = adminAs(server, Credentials!.AccessKeyId!, Credentials!.SecretAccessKey!, Credentials!.SessionToken!);
        assert.ok((await session.listUsers()).items.length > 0, 'the session has consoleAdmin');
        await expectAdminError(session.createUser({ name: 'made-by-session' }), 'AccessDenied', 403);
        await expectAdminError(session.setUserSecret('app2', 'session-set-secret'), 'AccessDenied', 403);
        await expectAdminError(session.createAccessKey({ user: 'app2', policy: policy(READ) }), 'AccessDenied', 403);
      } finally {
        sts.destroy();
      }
    });

    it('lets a user change its own secret, and the old secret stops working', async () => {
      await userWith(root, 'rotator', 'rotator-secret-1', policy(READ));
      await adminAs(server, 'rotator', 'rotator-secret-1').setUserSecret('rotator', 'rotator-secret-2');
      await expectAdminError(adminAs(server, 'rotator', 'rotator-secret-1').createAccessKey({}), 'AccessDenied', 403);
      await server.clientFor('rotator', 'rotator-secret-2').send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a' }));
    });

    it('accepts only the secret in a self change-secret call: a policy field is refused and nothing changes', async () => {
      await userWith(root, 'sneaky', 'sneaky-secret-1', policy(READ));
      const body = Buffer.from(JSON.stringify({ secretKey: 'sneaky-secret-2', policy: 'consoleAdmin' }));
      const url = new URL(server.endpoint);
      const signed = signRequest({
        method: 'PUT',
        host: url.host,
        path: '/coffer/admin/v1/users/sneaky/secret',
        headers: { 'content-type': 'application/json' },
        payloadHash: sha256Hex(body),
        accessKey: 'sneaky',
        secretKey: 'sneaky-secret-1',
      });
      const res = await sendRaw(server.endpoint, { method: 'PUT', path: '/coffer/admin/v1/users/sneaky/secret', headers: signed.headers, body });
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.body.toString()).Code, 'InvalidInput');
      await server.clientFor('sneaky', 'sneaky-secret-1').send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a' }));
      assert.deepEqual((await root.getUser('sneaky')).attachedPolicies, ['sneaky-p0']);
    });

    it('refuses to change another user’s secret without an explicit Allow', async () => {
      await expectAdminError(app1.setUserSecret('app2', 'stolen-secret-1'), 'AccessDenied', 403);
      await server.clientFor('app2', 'app2-secret-key').send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a' }));
    });

    it('refuses a user’s other access keys changing the user’s secret', async () => {
      const key = await root.createAccessKey({ user: 'app2' });
      await expectAdminError(adminAs(server, key.accessKeyId, key.secretAccessKey).setUserSecret('app2', 'via-a-key-1'), 'AccessDenied', 403);
    });

    it('refuses a self secret change when a policy explicitly denies admin:CreateUser', async () => {
      await userWith(root, 'frozen', 'frozen-secret-1', policy(READ, deny('admin:CreateUser', USER('frozen'))));
      await expectAdminError(adminAs(server, 'frozen', 'frozen-secret-1').setUserSecret('frozen', 'frozen-secret-2'), 'AccessDenied', 403);
    });

    it('refuses everything to a disabled user’s credentials', async () => {
      await userWith(root, 'gone', 'gone-secret-1', policy(READ));
      const gone = adminAs(server, 'gone', 'gone-secret-1');
      await gone.createAccessKey({});
      await root.setUserStatus('gone', 'disabled');
      await expectAdminError(gone.createAccessKey({}), 'AccessDenied', 403);
    });
  });
});
