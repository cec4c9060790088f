/**
 * The `coffer` CLI as a user runs it: `node bin/coffer.mjs` (COFFER_DEV=1, TypeScript sources)
 * against a test server, the commands in order, parsing their --json output.
 */
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';
import { cliHarness, type CliHarness, type CliRun } from '../helpers/cli.js';
import { allow, daysFromNow, policy } from './admin-helpers.js';

type Run = CliRun;

describe('coffer CLI against a running server', () => {
  let server: TestServer;
  let h: CliHarness;
  let dir: string;
  let configDir: string;
  const coffer = (...args: string[]): Promise<Run> => h.coffer(...args);
  const cli = (...args: string[]): Promise<Run> => h.cli(...args);
  const json = (...args: string[]): Promise<Record<string, unknown>> => h.json(...args);

  before(async () => {
    server = await startTestServer();
    h = cliHarness('coffer-cli-');
    ({ dir, configDir } = h);
    await server.client.send(new CreateBucketCommand({ Bucket: 'my-bucket' }));
    for (const key of ['reports/q1.csv', 'private/notes.txt']) await server.client.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: key, Body: key }));
    await writeFile(join(dir, 'read-my-bucket.json'), policy(allow('s3:GetObject', 'arn:aws:s3:::my-bucket/*'), allow('s3:ListBucket', 'arn:aws:s3:::my-bucket')));
    await writeFile(join(dir, 'only-reports.json'), policy({ Sid: 'OnlyReports', ...allow('s3:GetObject', 'arn:aws:s3:::my-bucket/reports/*') }));
  });
  after(async () => {
    await server.stop();
    h.cleanup();
  });

  it('sets an alias in a 0600 file inside a 0700 folder, and never lists the secret', async () => {
    const set = await coffer('alias', 'set', 'local', server.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    assert.equal(set.code, 0, set.stderr);
    assert.equal((await stat(join(configDir, 'config.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(configDir)).mode & 0o777, 0o700);
    const listed = JSON.parse((await coffer('alias', 'list', '--json')).stdout) as unknown;
    assert.deepEqual(listed, { items: [{ alias: 'local', url: server.endpoint, accessKey: ROOT_ACCESS_KEY, region: 'us-east-1' }] });
    assert.equal((await cli('alias', 'list')).stdout.includes(ROOT_SECRET_KEY), false);
  });

  it('runs the user story: policy create, user add, policy attach, accesskey create --policy --expiry, policy explain', async () => {
    const spawned = async (...args: string[]): Promise<Record<string, unknown>> => {
      const run = await coffer(...args, '--json');
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    const created = await spawned('admin', 'policy', 'create', 'local', 'read-my-bucket', './read-my-bucket.json');
    assert.equal(created.name, 'read-my-bucket');
    const user = await spawned('admin', 'user', 'add', 'local', 'app1', 'app1-secret-key');
    assert.equal(user.arn, 'arn:aws:iam::000000000000:user/app1');
    assert.deepEqual(await spawned('admin', 'policy', 'attach', 'local', 'read-my-bucket', '--user', 'app1'), { attached: ['read-my-bucket'], user: 'app1' });

    const expiry = daysFromNow(180);
    const key = await spawned('admin', 'accesskey', 'create', 'local', '--user', 'app1', '--policy', './only-reports.json', '--name', 'reports-reader', '--expiry', expiry);
    assert.equal(key.owner, 'app1');
    assert.equal(key.name, 'reports-reader');
    assert.equal(String(key.expiresAt).replace('.000Z', 'Z'), expiry);
    const reader = server.clientFor(String(key.accessKeyId), String(key.secretAccessKey));
    assert.equal(await (await reader.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'reports/q1.csv' }))).Body?.transformToString(), 'reports/q1.csv');
    await expectS3Error(reader.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'private/notes.txt' })), 'AccessDenied', 403);

    const explained = await spawned('admin', 'policy', 'explain', 'local', '--access-key', String(key.accessKeyId), '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::my-bucket/x');
    assert.equal(explained.allowed, false);
    assert.equal(explained.decision, 'NoDecision');
    const allowed = await json('admin', 'policy', 'explain', 'local', '--access-key', String(key.accessKeyId), '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::my-bucket/reports/q1.csv');
    assert.ok((allowed.statements as Array<{ sid?: string }>).some((s) => s.sid === 'OnlyReports'));

    const info = await json('admin', 'accesskey', 'info', 'local', String(key.accessKeyId));
    assert.equal(info.secretAccessKey, undefined);
  });

  it('prints plain human tables when stdout is not a terminal', async () => {
    const run = await coffer('admin', 'user', 'list', 'local');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NAME\s+STATUS\s+GROUPS\s+POLICIES\s+CREATED\n/);
    assert.match(run.stdout, /\napp1\s+enabled\s+-\s+read-my-bucket\s/);
    assert.equal(/\u001b\[/.test(run.stdout), false);
    const explain = await cli('admin', 'policy', 'explain', 'local', '--access-key', 'app1', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::my-bucket/a');
    assert.match(explain.stdout, /ALLOWED/);
  });

  it('manages groups, roles and access keys with --json on every command', async () => {
    assert.deepEqual((await json('admin', 'group', 'add', 'local', 'devs', 'app1')).members, ['app1']);
    assert.equal((await json('admin', 'group', 'disable', 'local', 'devs')).status, 'disabled');
    assert.equal((await json('admin', 'group', 'info', 'local', 'devs')).status, 'disabled');
    assert.deepEqual(await json('admin', 'group', 'remove', 'local', 'devs', 'app1'), { group: 'devs', removedMembers: ['app1'] });
    assert.deepEqual(await json('admin', 'group', 'remove', 'local', 'devs'), { group: 'devs', removed: true });
    await writeFile(join(dir, 'trust.json'), policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/app1' }, Action: 'sts:AssumeRole' }));
    assert.equal((await json('admin', 'role', 'create', 'local', 'reader', join(dir, 'trust.json'))).name, 'reader');
    await json('admin', 'role', 'attach', 'local', 'reader', 'readonly');
    assert.deepEqual((await json('admin', 'role', 'info', 'local', 'reader')).attachedPolicies, ['readonly']);
    await json('admin', 'role', 'detach', 'local', 'reader', 'readonly');
    await json('admin', 'role', 'remove', 'local', 'reader');
    const key = await json('admin', 'accesskey', 'create', 'local', '--user', 'app1');
    assert.equal((await json('admin', 'accesskey', 'disable', 'local', String(key.accessKeyId))).status, 'Inactive');
    assert.equal((await json('admin', 'accesskey', 'edit', 'local', String(key.accessKeyId), '--description', 'ci')).description, 'ci');
    const listed = (await json('admin', 'accesskey', 'list', 'local', '--user', 'app1')).items as Array<{ accessKeyId: string }>;
    assert.ok(listed.some((k) => k.accessKeyId === key.accessKeyId));
    await json('admin', 'accesskey', 'remove', 'local', String(key.accessKeyId));
  });

  it('exits 1 with the server’s Code and Message, and 2 on usage errors', async () => {
    const missing = await coffer('admin', 'user', 'info', 'local', 'nobody');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NoSuchEntity/);
    const missingJson = await cli('admin', 'user', 'info', 'local', 'nobody', '--json');
    assert.equal(missingJson.code, 1);
    assert.equal((JSON.parse(missingJson.stderr) as { error: { code: string } }).error.code, 'NoSuchEntity');
    assert.equal((await cli('admin', 'accesskey', 'create', 'local', '--expiry', 'next-week')).code, 2);
    assert.equal((await cli('admin', 'user', 'list', 'nowhere')).code, 2);
    assert.equal((await cli('admin', 'user', 'add', 'local')).code, 2);
    assert.equal((await cli('admin', 'policy', 'attach', 'local', 'readonly')).code, 2);
    assert.equal((await cli('admin', 'policy', 'create', 'local', 'p', join(dir, 'does-not-exist.json'))).code, 2);
    assert.equal((await coffer('admin', 'frobnicate')).code, 2);
    assert.equal((await cli('admin', 'user', '--help')).code, 0);
  });

  it('refuses a wrong secret with exit 1 and AccessDenied', async () => {
    assert.equal((await cli('alias', 'set', 'bad', server.endpoint, ROOT_ACCESS_KEY, 'not-the-secret')).code, 0);
    const run = await cli('admin', 'user', 'list', 'bad');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /AccessDenied/);
    assert.equal((await json('alias', 'remove', 'bad')).removed, true);
  });
});
