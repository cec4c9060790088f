/**
 * AssumeRoleWithWebIdentity / AssumeRoleWithClientGrants end to end: a real OpenID provider
 * (oidc-provider on loopback) issues ID tokens through the auth-code flow; the AWS SDK v3 (and
 * boto3) exchange them for Coffer credentials, which are then used for allowed and denied S3
 * calls. Forged, expired, wrong-audience, wrong-issuer and unsigned tokens are refused.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { generateKeyPair } from 'jose';
import { AdminClient } from '../../client/index.js';
import { openIdRoleArn } from '../../src/config/openid.js';
import { startOidcProvider, type Idp } from '../helpers/oidc-provider.js';
import { expectQueryError } from '../helpers/query-errors.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const DUMMY_ROLE = 'arn:aws:iam::123456789012:role/dummy';

describe('STS with OpenID Connect identities', () => {
  let idp: Idp;
  let server: TestServer;
  let sts: STSClient;
  let admin: AdminClient;
  const clients: Array<{ destroy(): void }> = [];

  before(async () => {
    idp = await startOidcProvider();
    server = await startTestServer({
      COFFER_IDENTITY_OPENID_CONFIG_URL: idp.discoveryUrl,
      COFFER_IDENTITY_OPENID_CLIENT_ID: idp.clientId,
      COFFER_IDENTITY_OPENID_CLIENT_SECRET: idp.clientSecret,
      // A second provider, MinIO style: every login through it gets `readonly` by its role ARN.
      MINIO_IDENTITY_OPENID_CONFIG_URL_APP2: idp.discoveryUrl,
      MINIO_IDENTITY_OPENID_CLIENT_ID_APP2: idp.otherClientId,
      MINIO_IDENTITY_OPENID_ROLE_POLICY_APP2: 'readonly',
    });
    sts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
    admin = new AdminClient({ endpoint: server.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
    await server.client.send(new CreateBucketCommand({ Bucket: 'team' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'team', Key: 'report.txt', Body: 'numbers' }));
    await server.client.send(new CreateBucketCommand({ Bucket: 'homes' }));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    sts?.destroy();
    await server?.stop();
    await idp?.stop();
  });

  async function login(token: string, input: { RoleArn?: string; DurationSeconds?: number; Policy?: string; RoleSessionName?: string } = {}) {
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ WebIdentityToken: token, RoleArn: input.RoleArn ?? DUMMY_ROLE, RoleSessionName: input.RoleSessionName ?? 'app', ...input }));
    const c = out.Credentials!;
    const s3 = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    const callerSts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    clients.push(s3, callerSts);
    return { out, s3, sts: callerSts };
  }

  it('gives a real ID token the policies of its claim: readwrite for alice, readonly for bob (comma list) and dave (array)', async () => {
    const alice = await login(await idp.idToken('alice'));
    assert.equal(alice.out.SubjectFromWebIdentityToken, 'alice');
    assert.equal(alice.out.Audience, idp.clientId);
    assert.equal(alice.out.Provider, idp.issuer);
    await alice.s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'alice.txt', Body: 'a' }));
    assert.equal(await (await alice.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'report.txt' }))).Body!.transformToString(), 'numbers');
    const who = await alice.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:sts::000000000000:federated-user/openid/_/alice');

    for (const user of ['bob', 'dave']) {
      const reader = await login(await idp.idToken(user));
      await reader.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'report.txt' }));
      await expectS3Error(reader.s3.send(new PutObjectCommand({ Bucket: 'team', Key: `${user}.txt`, Body: 'x' })), 'AccessDenied', 403);
    }
  });

  it('refuses a token whose policy claim is missing (carol)', async () => {
    await expectQueryError(login(await idp.idToken('carol')), 'AccessDenied', 403);
  });

  it('selects the role-policy provider by its role ARN; the same token without it is for the wrong audience', async () => {
    const token = await idp.idToken('alice', { clientId: idp.otherClientId });
    const reader = await login(token, { RoleArn: openIdRoleArn(idp.otherClientId) });
    await reader.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'report.txt' }));
    await expectS3Error(reader.s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'x', Body: 'x' })), 'AccessDenied', 403);
    await expectQueryError(login(token), 'InvalidIdentityToken', 400);
  });

  it('refuses forged, tampered, unsigned, wrong-issuer, wrong-audience, not-yet-valid and expired tokens', async () => {
    const foreign = (await generateKeyPair('RS256', { extractable: true })).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      await idp.signWith(idp.claims('alice'), { alg: 'RS256', key: foreign }),
      await idp.signWith(idp.claims('alice'), { alg: 'none' }),
      await idp.signWith(idp.claims('alice', { iss: 'http://127.0.0.1:1/evil' }), { alg: 'RS256' }),
      await idp.signWith(idp.claims('alice', { aud: 'someone-else' }), { alg: 'RS256' }),
      await idp.signWith(idp.claims('alice', { nbf: now + 3600 }), { alg: 'RS256' }),
      await idp.signWith(idp.claims('alice'), { alg: 'HS256', key: new TextEncoder().encode(idp.clientSecret) }),
    ];
    const real = await idp.idToken('carol');
    const [h, p, s] = real.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    bad.push(`${h}.${Buffer.from(JSON.stringify({ ...payload, policy: 'consoleAdmin' })).toString('base64url')}.${s}`);
    for (const token of bad) await expectQueryError(login(token), 'InvalidIdentityToken', 400);
    const expired = await idp.signWith(idp.claims('alice', { iat: now - 7200, exp: now - 3600 }), { alg: 'RS256' });
    await expectQueryError(login(expired), 'ExpiredToken');
  });

  it("caps the session at the token's expiry unless DurationSeconds asks for less", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await idp.signWith(idp.claims('alice', { exp: now + 2000 }), { alg: 'RS256' });
    const capped = await login(token);
    assert.ok(Math.abs(capped.out.Credentials!.Expiration!.getTime() / 1000 - (now + 2000)) <= 2);
    const shorter = await login(token, { DurationSeconds: 900 });
    assert.ok(Math.abs(shorter.out.Credentials!.Expiration!.getTime() / 1000 - (now + 900)) <= 5);
  });

  it('fills ${jwt:sub} from the verified token only, and a session policy narrows', async () => {
    await admin.createPolicy({
      name: 'home',
      document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: ['arn:aws:s3:::homes/${jwt:sub}/*'] }] }),
    });
    const carol = await login(await idp.signWith(idp.claims('carol', { policy: 'home' }), { alg: 'RS256' }));
    await carol.s3.send(new PutObjectCommand({ Bucket: 'homes', Key: 'carol/notes.txt', Body: 'mine' }));
    await expectS3Error(carol.s3.send(new PutObjectCommand({ Bucket: 'homes', Key: 'alice/notes.txt', Body: 'theirs' })), 'AccessDenied', 403);
    const narrowed = await login(await idp.idToken('alice'), {
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team/*' }] }),
    });
    await narrowed.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'report.txt' }));
    await expectS3Error(narrowed.s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'n.txt', Body: 'x' })), 'AccessDenied', 403);
  });

  it('assumes an IAM role whose trust policy names the provider and conditions on the token (AWS style)', async () => {
    const host = idp.issuer.replace(/^https?:\/\//, '');
    await admin.createRole({
      name: 'web-reader',
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::000000000000:oidc-provider/${host}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:aud`]: idp.clientId, [`${host}:sub`]: 'alice' } } }],
      }),
    });
    await admin.attachRolePolicy('web-reader', 'readonly');
    const roleArn = 'arn:aws:iam::000000000000:role/web-reader';
    const alice = await login(await idp.idToken('alice'), { RoleArn: roleArn, RoleSessionName: 'alice-laptop' });
    assert.equal(alice.out.AssumedRoleUser?.Arn, 'arn:aws:sts::000000000000:assumed-role/web-reader/alice-laptop');
    await alice.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'report.txt' }));
    await expectS3Error(alice.s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'r.txt', Body: 'x' })), 'AccessDenied', 403);
    await expectQueryError(login(await idp.idToken('bob'), { RoleArn: roleArn }), 'AccessDenied', 403);
    await expectQueryError(login(await idp.idToken('alice'), { RoleArn: 'arn:aws:iam::000000000000:role/missing' }), 'AccessDenied', 403);
  });

  it('answers AssumeRoleWithClientGrants (MinIO) with the same checks', async () => {
    const form = (token: string) => new URLSearchParams({ Action: 'AssumeRoleWithClientGrants', Version: '2011-06-15', Token: token });
    const ok = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await idp.idToken('dave')) });
    const text = await ok.text();
    assert.equal(ok.status, 200, text);
    assert.match(text, /<SubjectFromToken>dave<\/SubjectFromToken>/);
    assert.match(text, /<AccessKeyId>[A-Z0-9]{20}<\/AccessKeyId>/);
    const bad = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await idp.signWith(idp.claims('dave'), { alg: 'none' })) });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /<Code>InvalidIdentityToken<\/Code>/);
  });

  it('works from boto3 (assume_role_with_web_identity, then S3 with the session)', { skip: spawnSync('python3', ['-c', 'import boto3']).status !== 0 && !process.env.CI ? 'boto3 is not installed here' : false }, async () => {
    const script = [
      'import os, boto3',
      "sts = boto3.client('sts', endpoint_url=os.environ['EP'], region_name='us-east-1')",
      "c = sts.assume_role_with_web_identity(RoleArn='arn:aws:iam::123456789012:role/dummy', RoleSessionName='py', WebIdentityToken=os.environ['TOKEN'])['Credentials']",
      "s3 = boto3.client('s3', endpoint_url=os.environ['EP'], region_name='us-east-1', aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])",
      "print(s3.get_object(Bucket='team', Key='report.txt')['Body'].read().decode())",
      'try:',
      "    s3.put_object(Bucket='team', Key='py.txt', Body=b'x'); print('put allowed')",
      'except Exception as e:',
      "    print('put', e.response['Error']['Code'])",
    ].join('\n');
    // Not spawnSync: the server runs in this process and must keep answering.
    const run = await promisify(execFile)('python3', ['-c', script], { env: { PATH: process.env.PATH, EP: server.endpoint, TOKEN: await idp.idToken('bob'), AWS_EC2_METADATA_DISABLED: 'true' }, encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(run.stdout.trim().split('\n'), ['numbers', 'put AccessDenied']);
  });
});
