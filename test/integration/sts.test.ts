/**
 * STS through @aws-sdk/client-sts and the temporary credentials it issues, used by
 * @aws-sdk/client-s3 and @aws-sdk/client-iam: AssumeRole of a role (identity Allow + trust
 * policy), MinIO-style AssumeRole of the calling user, session policies that only narrow, the
 * session token check, revocation and expiry (clock-injected server).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import type { IdentityService } from '../../src/services/index.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, s3Error, startTestServer, type TestServer } from '../helpers/server.js';
import { expectQueryError, queryError } from '../helpers/query-errors.js';

const ACCOUNT = '000000000000';
const doc = (statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const expectError = expectQueryError;

function identityOf(app: App): IdentityService {
  const identity = (app as App & { identity?: IdentityService }).identity;
  assert.ok(identity, 'the app exposes its identity service');
  return identity;
}

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function sessionKeys(credentials: Credentials | undefined): Keys {
  assert.ok(credentials?.AccessKeyId && credentials.SecretAccessKey && credentials.SessionToken);
  return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
}

class Clients {
  readonly #all: Array<{ destroy(): void }> = [];
  constructor(private readonly endpoint: string, private readonly offsetMs: () => number = () => 0) {}
  #track<T extends { destroy(): void }>(client: T): T {
    this.#all.push(client);
    return client;
  }
  #config(keys: Keys) {
    return { endpoint: this.endpoint, region: 'us-east-1', credentials: keys, maxAttempts: 1, systemClockOffset: this.offsetMs() };
  }
  sts(keys: Keys): STSClient {
    return this.#track(new STSClient(this.#config(keys)));
  }
  iam(keys: Keys): IAMClient {
    return this.#track(new IAMClient(this.#config(keys)));
  }
  s3(keys: Keys): S3Client {
    return this.#track(new S3Client({ ...this.#config(keys), forcePathStyle: true }));
  }
  destroy(): void {
    for (const client of this.#all) client.destroy();
  }
}

const ROOT: Keys = { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY };

describe('STS', () => {
  let server: TestServer;
  let clients: Clients;
  let iam: IAMClient;
  const keys = new Map<string, Keys>();

  async function user(name: string, policy: string): Promise<Keys> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const result = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    keys.set(name, result);
    return result;
  }

  async function assume(as: Keys, input: { RoleArn?: string; RoleSessionName?: string; Policy?: string; DurationSeconds?: number }): Promise<Keys> {
    const out = await clients.sts(as).send(new AssumeRoleCommand(input as { RoleArn: string; RoleSessionName: string }));
    return sessionKeys(out.Credentials);
  }

  before(async () => {
    server = await startTestServer();
    clients = new Clients(server.endpoint);
    iam = clients.iam(ROOT);
    await server.client.send(new CreateBucketCommand({ Bucket: 'sts-data' }));
    for (const key of ['public/a.txt', 'private/b.txt']) await server.client.send(new PutObjectCommand({ Bucket: 'sts-data', Key: key, Body: key }));
    await user('dev', doc([allow('sts:AssumeRole', roleArn('reader')), allow('s3:*')]));
    await user('no-assume', doc([allow('s3:*')]));
    await user('outsider', doc([allow('sts:AssumeRole')]));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'reader',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: [userArn('dev'), userArn('no-assume')] }, Action: 'sts:AssumeRole' }]),
      }),
    );
    await iam.send(new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'read', PolicyDocument: doc([allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::sts-data', 'arn:aws:s3:::sts-data/*'])]) }));
  });
  after(async () => {
    clients.destroy();
    await server.stop();
  });

  describe('GetCallerIdentity', () => {
    it('names root, a user, and needs no permission', async () => {
      const root = await clients.sts(ROOT).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([root.Account, root.Arn, root.UserId], [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]);
      const noAssume = await clients.sts(keys.get('outsider')!).send(new GetCallerIdentityCommand({}));
      assert.equal(noAssume.Arn, userArn('outsider'));
      assert.match(noAssume.UserId ?? '', /^AIDA/);
    });
  });

  describe('AssumeRole of a role', () => {
    it('issues credentials that read what the role may read and nothing more', async () => {
      const out = await clients.sts(keys.get('dev')!).send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'job-1' }));
      assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/job-1`);
      assert.match(out.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z0-9]+:job-1$/);
      assert.ok(out.Credentials?.Expiration instanceof Date);
      const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
      assert.ok(lifetime > 3500_000 && lifetime <= 3600_000, `default lifetime 1 h, got ${lifetime} ms`);
      const session = sessionKeys(out.Credentials);
      const s3 = clients.s3(session);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'private/b.txt' }))).Body!.transformToString(), 'private/b.txt');
      await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'sts-data', Key: 'public/new.txt', Body: 'x' })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new ListBucketsCommand({})), 'AccessDenied', 403);
      const who = await clients.sts(session).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/job-1`);
      assert.equal(who.UserId, out.AssumedRoleUser?.AssumedRoleId);
    });

    it('narrows the role to the session policy, which never adds a right', async () => {
      const session = await assume(keys.get('dev')!, {
        RoleArn: roleArn('reader'),
        RoleSessionName: 'narrow',
        Policy: doc([allow('s3:GetObject', 'arn:aws:s3:::sts-data/public/*'), allow('s3:PutObject', 'arn:aws:s3:::sts-data/*')]),
      });
      const s3 = clients.s3(session);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'public/a.txt' }))).Body!.transformToString(), 'public/a.txt');
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'private/b.txt' })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'sts-data', Key: 'public/x.txt', Body: 'x' })), 'AccessDenied', 403);
    });

    it('lets a trust policy that names the user by ARN grant the role by itself, as AWS does in one account; an explicit Deny still wins', async () => {
      // no-assume has no sts:AssumeRole Allow, but the trust policy names its ARN
      const session = await assume(keys.get('no-assume')!, { RoleArn: roleArn('reader'), RoleSessionName: 'named' });
      assert.match(session.accessKeyId, /^ASIA/);
      const denier = await user('denier', doc([allow('s3:*'), { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }]));
      await iam.send(new CreateRoleCommand({
        RoleName: 'named-but-denied',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: userArn('denier') }, Action: 'sts:AssumeRole' }]),
      }));
      await expectError(clients.sts(denier).send(new AssumeRoleCommand({ RoleArn: roleArn('named-but-denied'), RoleSessionName: 'denied' })), 'AccessDenied', 403);
    });

    it('refuses a caller trusted only through the account unless its identity policies allow sts:AssumeRole', async () => {
      await iam.send(new CreateRoleCommand({
        RoleName: 'account-trusted',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]),
      }));
      const error = await expectError(clients.sts(keys.get('no-assume')!).send(new AssumeRoleCommand({ RoleArn: roleArn('account-trusted'), RoleSessionName: 'sess' })), 'AccessDenied', 403);
      assert.match(error.message, /user\/no-assume is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role\/account-trusted/);
      const allowed = await user('assumer', doc([allow('sts:AssumeRole', roleArn('account-trusted'))]));
      assert.match((await assume(allowed, { RoleArn: roleArn('account-trusted'), RoleSessionName: 'ok' })).accessKeyId, /^ASIA/);
    });

    it('refuses a caller the trust policy does not name, and an unknown role, with the same answer', async () => {
      const notTrusted = await expectError(clients.sts(keys.get('outsider')!).send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'sess' })), 'AccessDenied', 403);
      const unknown = await expectError(clients.sts(keys.get('outsider')!).send(new AssumeRoleCommand({ RoleArn: roleArn('no-such-role'), RoleSessionName: 'sess' })), 'AccessDenied', 403);
      assert.equal(notTrusted.message.replace('reader', 'ROLE'), unknown.message.replace('no-such-role', 'ROLE'));
    });

    it('refuses temporary credentials asking for another session (no role chaining)', async () => {
      const session = await assume(keys.get('dev')!, { RoleArn: roleArn('reader'), RoleSessionName: 'first' });
      await expectError(clients.sts(session).send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'second' })), 'AccessDenied', 403);
      await expectError(clients.sts(session).send(new AssumeRoleCommand({} as never)), 'AccessDenied', 403);
    });

    it('validates parameters as STS does', async () => {
      const sts = clients.sts(keys.get('dev')!);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader') } as never)), 'MissingParameter', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'sess', DurationSeconds: 100 })), 'InvalidParameterValue', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'sess', DurationSeconds: 7200 })), 'InvalidParameterValue', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:s3:::bucket', RoleSessionName: 'sess' })), 'InvalidParameterValue', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'bad name!' })), 'InvalidParameterValue', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'sess', Policy: '{"Statement":' })), 'MalformedPolicyDocument', 400);
      await expectError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('reader'), RoleSessionName: 'sess', PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/readwrite` }] })), 'InvalidParameterValue', 400);
    });
  });

  describe('AssumeRole without RoleArn (MinIO clients)', () => {
    it('issues a session of the calling user, narrowed by the session policy', async () => {
      const out = await clients.sts(keys.get('no-assume')!).send(new AssumeRoleCommand({ DurationSeconds: 900, Policy: doc([allow('s3:GetObject', 'arn:aws:s3:::sts-data/public/*')]) } as never));
      assert.equal(out.AssumedRoleUser, undefined);
      const session = sessionKeys(out.Credentials);
      const s3 = clients.s3(session);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'public/a.txt' }))).Body!.transformToString(), 'public/a.txt');
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'private/b.txt' })), 'AccessDenied', 403);
      assert.equal((await clients.sts(session).send(new GetCallerIdentityCommand({}))).Arn, userArn('no-assume'));
    });

    it('is refused by an explicit Deny of sts:AssumeRole', async () => {
      const denied = await user('assume-denied', doc([allow('s3:*'), { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }]));
      await expectError(clients.sts(denied).send(new AssumeRoleCommand({} as never)), 'AccessDenied', 403);
    });

    it('needs an explicit Allow for a key restricted by its own inline policy, and keeps that restriction', async () => {
      const identity = identityOf(server.app);
      await user('restricted', doc([allow('s3:*')]));
      const onlyPublic = await identity.createAccessKey({ owner: 'restricted', policy: doc([allow('s3:GetObject', 'arn:aws:s3:::sts-data/public/*')]) });
      const narrow: Keys = { accessKeyId: onlyPublic.accessKeyId, secretAccessKey: onlyPublic.secretAccessKey.reveal() };
      await expectError(clients.sts(narrow).send(new AssumeRoleCommand({} as never)), 'AccessDenied', 403);
      const both = await identity.createAccessKey({ owner: 'restricted', policy: doc([allow('s3:GetObject', 'arn:aws:s3:::sts-data/public/*'), allow('sts:AssumeRole')]) });
      await iam.send(new PutUserPolicyCommand({ UserName: 'restricted', PolicyName: 'p', PolicyDocument: doc([allow(['s3:*', 'sts:AssumeRole'])]) }));
      const session = await assume({ accessKeyId: both.accessKeyId, secretAccessKey: both.secretAccessKey.reveal() }, {});
      await expectS3Error(clients.s3(session).send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'private/b.txt' })), 'AccessDenied', 403);
    });
  });

  describe('GetSessionToken', () => {
    const lifetimeS = (credentials: Credentials | undefined) => Math.round((credentials!.Expiration!.getTime() - Date.now()) / 1000);

    it('issues a session of the calling user, 12 h by default, without any sts permission', async () => {
      const out = await clients.sts(keys.get('no-assume')!).send(new GetSessionTokenCommand({}));
      const lifetime = lifetimeS(out.Credentials);
      assert.ok(lifetime > 43100 && lifetime <= 43200, `default lifetime 12 h, got ${lifetime} s`);
      const session = sessionKeys(out.Credentials);
      assert.equal((await clients.sts(session).send(new GetCallerIdentityCommand({}))).Arn, userArn('no-assume'));
      const s3 = clients.s3(session);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'private/b.txt' }))).Body!.transformToString(), 'private/b.txt');
    });

    it('honours DurationSeconds, caps it at the configured maximum, and validates its range', async () => {
      const sts = clients.sts(keys.get('dev')!);
      const short = lifetimeS((await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
      assert.ok(short > 850 && short <= 900, `got ${short} s`);
      const capped = lifetimeS((await sts.send(new GetSessionTokenCommand({ DurationSeconds: 129600 }))).Credentials);
      assert.ok(capped > 43100 && capped <= 43200, `capped at 12 h, got ${capped} s`);
      await expectError(sts.send(new GetSessionTokenCommand({ DurationSeconds: 899 })), 'InvalidParameterValue', 400);
      await expectError(sts.send(new GetSessionTokenCommand({ DurationSeconds: 129601 })), 'InvalidParameterValue', 400);
    });

    it('works for root', async () => {
      const out = await clients.sts(ROOT).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      const session = sessionKeys(out.Credentials);
      assert.equal((await clients.sts(session).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:root`);
    });

    it('is refused to session credentials and by an explicit Deny of sts:GetSessionToken', async () => {
      const session = sessionKeys((await clients.sts(keys.get('dev')!).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
      await expectError(clients.sts(session).send(new GetSessionTokenCommand({})), 'AccessDenied', 403);
      const role = await assume(keys.get('dev')!, { RoleArn: roleArn('reader'), RoleSessionName: 'gst' });
      await expectError(clients.sts(role).send(new GetSessionTokenCommand({})), 'AccessDenied', 403);
      const denied = await user('gst-denied', doc([allow('s3:*'), { Effect: 'Deny', Action: 'sts:GetSessionToken', Resource: '*' }]));
      await expectError(clients.sts(denied).send(new GetSessionTokenCommand({})), 'AccessDenied', 403);
    });
  });

  describe('temporary credentials on every request', () => {
    it('refuses the session key without its token, with a wrong token, and a token on a long-term key', async () => {
      const session = await assume(keys.get('dev')!, { RoleArn: roleArn('reader'), RoleSessionName: 'tokens' });
      const read = (k: Keys) => clients.s3(k).send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'public/a.txt' }));
      await read(session);
      const withoutToken = s3Error(await read({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).catch((e: unknown) => e));
      const wrongToken = s3Error(await read({ ...session, sessionToken: `${session.sessionToken!.slice(0, -4)}AAAA` }).catch((e: unknown) => e));
      const tokenOnLongTerm = s3Error(await read({ ...keys.get('dev')!, sessionToken: session.sessionToken! }).catch((e: unknown) => e));
      // S3's answer for all three, as AWS S3 gives it: InvalidToken (400).
      assert.deepEqual([withoutToken, wrongToken, tokenOnLongTerm], Array(3).fill({ code: 'InvalidToken', status: 400 }));
      await expectError(clients.iam({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(new ListUsersCommand({})), 'InvalidClientTokenId', 403);
      await expectError(clients.sts({ ...session, sessionToken: `${session.sessionToken!.slice(0, -4)}AAAA` }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
      await expectError(clients.sts({ ...keys.get('dev')!, sessionToken: session.sessionToken! }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    });

    it('stops working once the sessions are revoked', async () => {
      const session = await assume(keys.get('dev')!, { RoleArn: roleArn('reader'), RoleSessionName: 'revoked' });
      const s3 = clients.s3(session);
      await s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'public/a.txt' }));
      assert.ok((await identityOf(server.app).revokeSessions({ role: 'reader' })) >= 1);
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'sts-data', Key: 'public/a.txt' })), 'InvalidAccessKeyId', 403);
      await expectError(clients.sts(session).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    });
  });

  describe('sessions cannot administer beyond their rights (regression)', () => {
    it('a session narrowed to S3 cannot create users or attach policies to its own user, though the user could', async () => {
      const admin = await user('iam-admin', doc([allow(['iam:*', 's3:*', 'sts:AssumeRole'])]));
      await clients.iam(admin).send(new ListUsersCommand({}));
      const session = await assume(admin, { Policy: doc([allow('s3:GetObject')]) });
      const sessionIam = clients.iam(session);
      await expectError(sessionIam.send(new CreateUserCommand({ UserName: 'made-by-session' })), 'AccessDenied', 403);
      await expectError(sessionIam.send(new AttachUserPolicyCommand({ UserName: 'iam-admin', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` })), 'AccessDenied', 403);
      await expectError(sessionIam.send(new PutUserPolicyCommand({ UserName: 'iam-admin', PolicyName: 'wider', PolicyDocument: doc([allow('*')]) })), 'AccessDenied', 403);
      await expectError(sessionIam.send(new CreateAccessKeyCommand({})), 'AccessDenied', 403);
    });

    it('a session policy granting iam:* gives nothing the user lacks', async () => {
      const weak = await user('weak', doc([allow('s3:GetObject')]));
      const session = await assume(weak, { Policy: doc([allow(['iam:*', 's3:*'])]) });
      await expectError(clients.iam(session).send(new CreateUserCommand({ UserName: 'made-by-weak' })), 'AccessDenied', 403);
      await expectError(clients.iam(session).send(new AttachUserPolicyCommand({ UserName: 'weak', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` })), 'AccessDenied', 403);
    });

    it('a role session can only do what the role may, on IAM too', async () => {
      const session = await assume(keys.get('dev')!, { RoleArn: roleArn('reader'), RoleSessionName: 'iam-try' });
      await expectError(clients.iam(session).send(new CreateUserCommand({ UserName: 'made-by-role' })), 'AccessDenied', 403);
    });
  });
});

describe('STS session expiry (clock-injected server)', () => {
  let app: App;
  let dataDir: string;
  let offsetMs = 0;
  let clients: Clients;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-sts-'));
    const config = loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY });
    app = await startApp(config, { logger: silentLogger, announce: () => undefined, clock: { now: () => new Date(Date.now() + offsetMs) } });
    clients = new Clients(app.endpoint, () => offsetMs);
  });
  after(async () => {
    clients.destroy();
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a session once its DurationSeconds have passed, and not before', async () => {
    const root = clients.s3(ROOT);
    await root.send(new CreateBucketCommand({ Bucket: 'expiry' }));
    await root.send(new PutObjectCommand({ Bucket: 'expiry', Key: 'k', Body: 'v' }));
    const out = await clients.sts(ROOT).send(new AssumeRoleCommand({ DurationSeconds: 900 } as never));
    const session = sessionKeys(out.Credentials);
    assert.ok(Math.abs(out.Credentials!.Expiration!.getTime() - (Date.now() + 900_000)) < 5_000);
    offsetMs = 880_000;
    await clients.s3(session).send(new GetObjectCommand({ Bucket: 'expiry', Key: 'k' }));
    offsetMs = 901_000;
    // AWS: ExpiredToken (S3 400, STS 403), told only to a caller who signs with the secret and token.
    await expectS3Error(clients.s3(session).send(new GetObjectCommand({ Bucket: 'expiry', Key: 'k' })), 'ExpiredToken', 400);
    const expired = await clients.sts(session).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    assert.equal(queryError(expired).code, 'ExpiredToken');
    // A wrong secret or token for the expired session still gets the ordinary refusals.
    await expectS3Error(clients.s3({ ...session, secretAccessKey: 'wrong-secret-0123456789abcdefghijklmnopqrst' }).send(new GetObjectCommand({ Bucket: 'expiry', Key: 'k' })), 'SignatureDoesNotMatch', 403);
    await expectS3Error(clients.s3({ ...session, sessionToken: 'not-the-token' }).send(new GetObjectCommand({ Bucket: 'expiry', Key: 'k' })), 'InvalidToken', 400);
    await clients.s3(ROOT).send(new GetObjectCommand({ Bucket: 'expiry', Key: 'k' }));
  });
});
