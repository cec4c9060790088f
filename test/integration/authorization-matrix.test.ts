/**
 * The deny-side matrix of the IAM issue, through AWS SDK v3 against real identities: for
 * GetObject, PutObject, ListObjectsV2 and DeleteObject, one principal that may and many that may
 * not (wrong bucket, wrong prefix, no policy, disabled user, disabled key, expired key, disabled
 * group, group Deny, access-key inline policy, STS session policy, bucket-policy Deny, anonymous). Identities are set up through
 * app.identity directly; the server runs on a clock the test can move forward (key expiry).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, s3Error } from '../helpers/server.js';

type Statement = Record<string, unknown>;
const doc = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const B = 'matrix';
const OTHER = 'matrix-other';
const teamPolicy = (bucket: string) =>
  doc(
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}/team/*` },
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': 'team/*' } } },
  );

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

describe('authorization matrix through AWS SDK v3', () => {
  let app: App;
  let dataDir: string;
  let offsetMs = 0;
  const clients: S3Client[] = [];
  const client = (keys: Keys | undefined): S3Client => {
    const made = new S3Client({
      endpoint: app.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, systemClockOffset: offsetMs,
      // anonymous: the SDK still wants credentials, but the no-op signer never uses them
      ...(keys ? { credentials: keys } : { credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, signer: { sign: async (request) => request } }),
    });
    clients.push(made);
    return made;
  };
  const root = () => client({ accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY });
  const keys: Record<string, Keys> = {};

  /**
   * The four operations on bucket/key, each from a fresh client (the SDK re-aligns its clock to
   * the server's Date header after an error, which would undo the test's clock offset); each
   * resolves 'ok' or the S3 error code.
   */
  async function attempt(as: Keys | undefined, bucket: string, key: string): Promise<Record<string, string>> {
    const c = { send: (command: never) => client(as).send(command) } as unknown as S3Client;
    const outcome = async (run: () => Promise<unknown>): Promise<string> => {
      try {
        await run();
        return 'ok';
      } catch (error) {
        return s3Error(error).code;
      }
    };
    return {
      PutObject: await outcome(() => c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'data' }))),
      GetObject: await outcome(async () => (await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()),
      ListObjectsV2: await outcome(() => c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key.slice(0, key.lastIndexOf('/') + 1) }))),
      DeleteObject: await outcome(() => c.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
    };
  }
  const all = (code: string) => ({ PutObject: code, GetObject: code, ListObjectsV2: code, DeleteObject: code });

  async function userKey(name: string, options: { policy?: string; group?: string; expiresAt?: Date; keyPolicy?: string } = {}): Promise<Keys> {
    await app.identity.createUser({ name });
    if (options.policy !== undefined) {
      await app.identity.createPolicy({ name: `${name}-policy`, document: options.policy });
      await app.identity.attachPolicy({ type: 'user', name }, `${name}-policy`);
    }
    if (options.group !== undefined) await app.identity.addUserToGroup(options.group, name);
    const created = await app.identity.createAccessKey({
      owner: name, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}), ...(options.keyPolicy ? { policy: options.keyPolicy } : {}),
    });
    return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey.reveal() };
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-matrix-'));
    const config = loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY });
    app = await startApp(config, { logger: silentLogger, announce: () => undefined, clock: { now: () => new Date(Date.now() + offsetMs) } });
    const admin = root();
    for (const Bucket of [B, OTHER]) {
      await admin.send(new CreateBucketCommand({ Bucket }));
      await admin.send(new PutObjectCommand({ Bucket, Key: 'team/seed.txt', Body: 'seed' }));
      await admin.send(new PutObjectCommand({ Bucket, Key: 'other/seed.txt', Body: 'seed' }));
    }
    keys.allowed = await userKey('allowed', { policy: teamPolicy(B) });
    keys.disabledUser = await userKey('disabled-user', { policy: teamPolicy(B) });
    keys.disabledKey = await userKey('disabled-key', { policy: teamPolicy(B) });
    keys.expiring = await userKey('expiring', { policy: teamPolicy(B), expiresAt: new Date(Date.now() + 20 * 60_000) });
    await app.identity.createGroup({ name: 'read-only-team' });
    await app.identity.putInlinePolicy({ type: 'group', name: 'read-only-team' }, 'no-writes', doc({ Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: '*' }));
    keys.groupDenied = await userKey('grouped', { policy: teamPolicy(B), group: 'read-only-team' });
    keys.narrowKey = await userKey('narrow', { policy: teamPolicy(B), keyPolicy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/team/*` }) });
    keys.blocked = await userKey('blocked', { policy: teamPolicy(B) });
    keys.noPolicy = await userKey('nobody');
    await app.identity.createGroup({ name: 'team-writers' });
    await app.identity.createPolicy({ name: 'team-writers-policy', document: teamPolicy(B) });
    await app.identity.attachPolicy({ type: 'group', name: 'team-writers' }, 'team-writers-policy');
    keys.viaGroup = await userKey('via-group', { group: 'team-writers' });
    await admin.send(new PutBucketPolicyCommand({
      Bucket: B,
      Policy: doc({ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::000000000000:user/blocked' }, Action: 's3:*', Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`] }),
    }));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets the granted user do all four operations inside its prefix', async () => {
    assert.deepEqual(await attempt(keys.allowed, B, 'team/a.txt'), all('ok'));
  });

  it('denies the granted user another bucket and another prefix', async () => {
    assert.deepEqual(await attempt(keys.allowed, OTHER, 'team/a.txt'), all('AccessDenied'));
    assert.deepEqual(await attempt(keys.allowed, B, 'other/a.txt'), all('AccessDenied'));
  });

  it('denies a user without any policy, and anonymous callers', async () => {
    assert.deepEqual(await attempt(keys.noPolicy, B, 'team/a.txt'), all('AccessDenied'));
    assert.deepEqual(await attempt(undefined, B, 'team/a.txt'), all('AccessDenied'));
  });

  it('refuses a disabled user and a disabled key at once', async () => {
    assert.deepEqual(await attempt(keys.disabledUser, B, 'team/d.txt'), all('ok'));
    await app.identity.setUserStatus('disabled-user', 'disabled');
    assert.deepEqual(await attempt(keys.disabledUser, B, 'team/d.txt'), all('InvalidAccessKeyId'));
    await app.identity.updateAccessKey(keys.disabledKey!.accessKeyId, { status: 'Inactive' });
    assert.deepEqual(await attempt(keys.disabledKey, B, 'team/d.txt'), all('InvalidAccessKeyId'));
  });

  it('lets a group Deny beat the user Allow', async () => {
    assert.deepEqual(await attempt(keys.groupDenied, B, 'team/seed.txt'), {
      PutObject: 'AccessDenied', GetObject: 'ok', ListObjectsV2: 'ok', DeleteObject: 'AccessDenied',
    });
  });

  it('grants through an enabled group and stops granting once the group is disabled', async () => {
    assert.deepEqual(await attempt(keys.viaGroup, B, 'team/g.txt'), all('ok'));
    await app.identity.setGroupStatus('team-writers', 'disabled');
    assert.deepEqual(await attempt(keys.viaGroup, B, 'team/g.txt'), all('AccessDenied'));
  });

  it('narrows an access key to its inline policy', async () => {
    assert.deepEqual(await attempt(keys.narrowKey, B, 'team/seed.txt'), {
      PutObject: 'AccessDenied', GetObject: 'ok', ListObjectsV2: 'AccessDenied', DeleteObject: 'AccessDenied',
    });
  });

  it('narrows STS credentials to their session policy', async () => {
    const caller = await app.identity.credentials.lookup(keys.allowed!.accessKeyId);
    assert.ok(caller);
    const session = await app.identity.assumeRole(caller.principal, {
      policy: doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }),
    });
    const stsKeys = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey.reveal(), sessionToken: session.sessionToken.reveal() };
    assert.deepEqual(await attempt(stsKeys, B, 'team/seed.txt'), { PutObject: 'AccessDenied', GetObject: 'ok', ListObjectsV2: 'ok', DeleteObject: 'AccessDenied' });
    assert.deepEqual(await attempt(stsKeys, B, 'other/seed.txt'), all('AccessDenied'));
  });

  it('lets a bucket-policy Deny naming the user beat its identity Allow', async () => {
    assert.deepEqual(await attempt(keys.blocked, B, 'team/seed.txt'), all('AccessDenied'));
  });

  it('grants a user without identity policies what a bucket policy grants its ARN, but not what it grants the account', async () => {
    const admin = root();
    const grant = (principal: string) => admin.send(new PutBucketPolicyCommand({
      Bucket: OTHER, Policy: doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${OTHER}/team/*` }),
    }));
    await grant('arn:aws:iam::000000000000:user/nobody');
    assert.deepEqual(await attempt(keys.noPolicy, OTHER, 'team/seed.txt'), { PutObject: 'AccessDenied', GetObject: 'ok', ListObjectsV2: 'AccessDenied', DeleteObject: 'AccessDenied' });
    assert.equal((await attempt(keys.allowed, OTHER, 'team/seed.txt')).GetObject, 'AccessDenied');
    await grant('000000000000');
    assert.equal((await attempt(keys.noPolicy, OTHER, 'team/seed.txt')).GetObject, 'AccessDenied');
  });

  it('refuses a key once it has expired', async () => {
    assert.deepEqual(await attempt(keys.expiring, B, 'team/e.txt'), all('ok'));
    offsetMs = 30 * 60_000;
    try {
      assert.deepEqual(await attempt(keys.expiring, B, 'team/e.txt'), all('InvalidAccessKeyId'));
      assert.equal((await attempt(keys.allowed, B, 'team/e.txt')).PutObject, 'ok');
    } finally {
      offsetMs = 0;
    }
  });
});
