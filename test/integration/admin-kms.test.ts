/**
 * `coffer admin kms …` as a user runs it, against real servers: no KMS (every command a clear
 * 501), the static KMS (one key, creation refused), and KES with the static key kept as the
 * legacy key (status, list, create, and the story: `coffer admin kms key import local
 * coffer-default-key --to kes`). Status never shows credentials; IAM gates every command.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { cliHarness, type CliHarness, type CliRun } from '../helpers/cli.js';
import { makeTlsMaterial, startKesServer, type KesServer } from '../helpers/kes-server.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { allow, policy, rootAdmin, userWith } from './admin-helpers.js';

const RAW_KEY = Buffer.alloc(32, 9);
const STATIC_KEY = `coffer-default-key:${RAW_KEY.toString('base64')}`;

const harness = (): CliHarness => cliHarness('coffer-kms-cli-');

/** The command failed with exit 1 and printed the API's code (and message). */
function assertApiError(run: CliRun, code: string, message?: RegExp): void {
  assert.equal(run.code, 1, `expected exit 1 (${code}); stdout ${run.stdout} stderr ${run.stderr}`);
  assert.match(run.stderr, new RegExp(`coffer: ${code}: `));
  if (message) assert.match(run.stderr, message);
  assert.equal(run.stdout, '');
}

const EVERY_COMMAND = [
  ['admin', 'kms', 'status', 'local'],
  ['admin', 'kms', 'key', 'list', 'local'],
  ['admin', 'kms', 'key', 'create', 'local', 'tenant-a'],
  ['admin', 'kms', 'key', 'import', 'local', 'coffer-default-key', '--to', 'kes'],
];

describe('coffer admin kms without a KMS', () => {
  let server: TestServer;
  const h = harness();
  before(async () => {
    server = await startTestServer();
    assert.equal((await h.cli('alias', 'set', 'local', server.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY)).code, 0);
  });
  after(async () => {
    await server.stop();
    h.cleanup();
  });

  it('every kms command answers 501 NotImplemented saying how to configure one', async () => {
    const spawned = await h.coffer('admin', 'kms', 'status', 'local');
    assertApiError(spawned, 'NotImplemented', /No KMS is configured \(set COFFER_KMS_SECRET_KEY or COFFER_KMS_KES_ENDPOINT\)/);
    for (const args of EVERY_COMMAND) assertApiError(await h.cli(...args), 'NotImplemented', /No KMS is configured/);
    const asJson = await h.cli('admin', 'kms', 'key', 'list', 'local', '--json');
    assert.equal(asJson.code, 1);
    const error = (JSON.parse(asJson.stderr) as { error: { code: string; message: string; requestId?: string } }).error;
    assert.equal(error.code, 'NotImplemented');
    assert.ok(error.requestId);
    await assert.rejects(rootAdmin(server).kmsStatus(), (e: { status?: number }) => e.status === 501);
  });

  it('usage errors exit 2 before anything is sent', async () => {
    assert.equal((await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-default-key')).code, 2, '--to is required');
    const wrongTarget = await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-default-key', '--to', 'vault');
    assert.equal(wrongTarget.code, 2);
    assert.match(wrongTarget.stderr, /--to takes "kes"/);
    assert.equal((await h.cli('admin', 'kms', 'key', 'create', 'local')).code, 2, 'NAME is required');
    assert.equal((await h.cli('admin', 'kms', 'status', 'nowhere')).code, 2, 'unknown alias');
  });
});

describe('coffer admin kms with the static KMS', () => {
  let server: TestServer;
  const h = harness();
  before(async () => {
    server = await startTestServer({ COFFER_KMS_SECRET_KEY: STATIC_KEY });
    assert.equal((await h.cli('alias', 'set', 'local', server.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY)).code, 0);
  });
  after(async () => {
    await server.stop();
    h.cleanup();
  });

  it('status shows the backend and its one key, never the key itself', async () => {
    assert.deepEqual(await h.json('admin', 'kms', 'status', 'local'), { backend: 'static', online: true, defaultKeyId: 'coffer-default-key' });
    const human = await h.cli('admin', 'kms', 'status', 'local');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Backend: +static\nStatus: +online\nDefault key: +coffer-default-key\n$/);
    for (const run of [human.stdout, JSON.stringify(await rootAdmin(server).kmsStatus())]) assert.equal(run.includes(RAW_KEY.toString('base64')), false);
    assert.deepEqual(await h.json('admin', 'kms', 'key', 'list', 'local'), { keys: ['coffer-default-key'] });
    assert.deepEqual(await h.json('admin', 'kms', 'key', 'list', 'local', '--prefix', 'other'), { keys: [] });
  });

  it('key create is NotImplemented with the reason; import needs KES', async () => {
    assertApiError(await h.cli('admin', 'kms', 'key', 'create', 'local', 'tenant-a'), 'NotImplemented', /static KMS \(COFFER_KMS_SECRET_KEY\) holds exactly one key; creating keys needs KES/);
    assertApiError(await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-default-key', '--to', 'kes'), 'NotImplemented');
  });
});

describe('coffer admin kms with KES and the static key kept as legacy', () => {
  const tls = makeTlsMaterial();
  const tlsDir = mkdtempSync(join(tmpdir(), 'coffer-kms-cli-tls-'));
  const h = harness();
  let kes: KesServer;
  let server: TestServer;

  before(async () => {
    kes = await startKesServer({ tls, identities: [tls.clientIdentity] });
    writeFileSync(join(tlsDir, 'ca.pem'), tls.serverCert);
    writeFileSync(join(tlsDir, 'client.crt'), tls.clientCert);
    writeFileSync(join(tlsDir, 'client.key'), tls.clientKey, { mode: 0o600 });
    server = await startTestServer({
      COFFER_KMS_KES_ENDPOINT: kes.url,
      COFFER_KMS_KES_KEY_NAME: 'coffer-default-key',
      COFFER_KMS_KES_CERT_FILE: join(tlsDir, 'client.crt'),
      COFFER_KMS_KES_KEY_FILE: join(tlsDir, 'client.key'),
      COFFER_KMS_KES_CAPATH: join(tlsDir, 'ca.pem'),
      COFFER_KMS_SECRET_KEY: STATIC_KEY,
      COFFER_KMS_SECRET_KEY_LEGACY: 'true',
    });
    assert.equal((await h.cli('alias', 'set', 'local', server.endpoint, ROOT_ACCESS_KEY, ROOT_SECRET_KEY)).code, 0);
  });
  after(async () => {
    await server.stop();
    await kes.close().catch(() => undefined);
    rmSync(tlsDir, { recursive: true, force: true });
    h.cleanup();
  });

  it('status shows backend, reachability, default and legacy key, and no credentials', async () => {
    const status = await h.json('admin', 'kms', 'status', 'local');
    assert.equal(status.backend, 'kes');
    assert.equal(status.online, true);
    assert.equal(status.defaultKeyId, 'coffer-default-key');
    assert.equal(status.legacyKeyId, 'coffer-default-key');
    const endpoints = status.endpoints as Array<{ endpoint: string; online: boolean }>;
    assert.deepEqual(endpoints.map((e) => [e.endpoint, e.online]), [[kes.url, true]]);
    const human = await h.coffer('admin', 'kms', 'status', 'local');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Backend: +kes\nStatus: +online\nDefault key: +coffer-default-key\nLegacy key: +coffer-default-key /);
    assert.match(human.stdout, /\nENDPOINT\s+STATUS\s+LATENCY\s+ERROR\n/);
    assert.ok(human.stdout.includes(kes.url));
    const clientKeyBody = tls.clientKey.split('\n')[1] as string;
    for (const text of [JSON.stringify(status), human.stdout]) {
      assert.equal(text.includes(RAW_KEY.toString('base64')), false, 'the static key');
      assert.equal(text.includes(clientKeyBody), false, 'the mTLS client key');
      assert.equal(text.includes(tlsDir), false, 'credential file paths');
      assert.equal(/PRIVATE KEY/.test(text), false);
    }
  });

  it('imports the static key into KES (the issue story); old objects keep reading; a second import is EntityAlreadyExists', async () => {
    await server.client.send(new CreateBucketCommand({ Bucket: 'before-import' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'before-import', Key: 'old', Body: 'sealed by the static key', ServerSideEncryption: 'AES256' }));
    assert.equal(kes.keys.has('coffer-default-key'), false, 'KES does not have the key yet');

    const run = await h.coffer('admin', 'kms', 'key', 'import', 'local', 'coffer-default-key', '--to', 'kes');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Imported KMS key coffer-default-key into KES\.\n/);
    assert.ok(kes.keys.get('coffer-default-key')?.key.equals(RAW_KEY), 'KES holds the same 256-bit key');

    const got = await server.client.send(new GetObjectCommand({ Bucket: 'before-import', Key: 'old' }));
    assert.equal(await got.Body?.transformToString(), 'sealed by the static key');
    const again = await h.cli('admin', 'kms', 'key', 'import', 'local', 'coffer-default-key', '--to', 'kes', '--json');
    assert.equal(again.code, 1);
    assert.equal((JSON.parse(again.stderr) as { error: { code: string } }).error.code, 'EntityAlreadyExists');
    assertApiError(await h.cli('admin', 'kms', 'key', 'import', 'local', 'not-the-static-key', '--to', 'kes'), 'NoSuchEntity');
  });

  it('creates and lists keys in KES', async () => {
    assert.deepEqual(await h.json('admin', 'kms', 'key', 'create', 'local', 'tenant-a'), { key: 'tenant-a', created: true });
    const human = await h.cli('admin', 'kms', 'key', 'create', 'local', 'tenant-b');
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, 'Created KMS key tenant-b.\n');
    assert.ok(kes.keys.has('tenant-a') && kes.keys.has('tenant-b'));
    assertApiError(await h.cli('admin', 'kms', 'key', 'create', 'local', 'tenant-a'), 'EntityAlreadyExists');
    for (const bad of ['bad name', 'bad/name', '../x']) assertApiError(await h.cli('admin', 'kms', 'key', 'create', 'local', bad), 'InvalidInput', /A KMS key name is 1–80 characters/);

    assert.deepEqual(await h.json('admin', 'kms', 'key', 'list', 'local', '--prefix', 'tenant-'), { keys: ['tenant-a', 'tenant-b'] });
    assert.deepEqual(await h.json('admin', 'kms', 'key', 'list', 'local'), { keys: ['coffer-default-key', 'tenant-a', 'tenant-b'] });
    const table = await h.cli('admin', 'kms', 'key', 'ls', 'local');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^KEY\ncoffer-default-key\ntenant-a\ntenant-b\n$/);
    // The new key encrypts (SSE-KMS with its id).
    await server.client.send(new PutObjectCommand({ Bucket: 'before-import', Key: 'tenant', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'tenant-a' }));
  });

  it('refuses users without admin:KMSKeyStatus / admin:KMSCreateKey (AccessDenied)', async () => {
    const root = rootAdmin(server);
    await userWith(root, 'kms-viewer', 'kms-viewer-secret', policy(allow('admin:KMSKeyStatus', '*')));
    await userWith(root, 'kms-creator', 'kms-creator-secret', policy(allow('admin:KMSCreateKey', '*')));
    await userWith(root, 'reader', 'reader-secret-key', policy(allow('s3:GetObject', 'arn:aws:s3:::before-import/*')));
    for (const [alias, user, secret] of [['viewer', 'kms-viewer', 'kms-viewer-secret'], ['creator', 'kms-creator', 'kms-creator-secret'], ['reader', 'reader', 'reader-secret-key']]) {
      assert.equal((await h.cli('alias', 'set', alias as string, server.endpoint, user as string, secret as string)).code, 0);
    }
    const as = (alias: string, args: string[]): string[] => args.map((a) => (a === 'local' ? alias : a));
    const [status, list, , importKey] = EVERY_COMMAND as [string[], string[], string[], string[]];

    // reader: nothing.
    for (const args of EVERY_COMMAND) assertApiError(await h.cli(...as('reader', args)), 'AccessDenied');
    // viewer: status and list, not create or import.
    assert.equal((await h.json(...as('viewer', status))).backend, 'kes');
    assert.ok(((await h.json(...as('viewer', list))).keys as string[]).includes('tenant-a'));
    assertApiError(await h.cli(...as('viewer', ['admin', 'kms', 'key', 'create', 'local', 'viewer-key'])), 'AccessDenied');
    assertApiError(await h.cli(...as('viewer', importKey)), 'AccessDenied');
    // creator: create (and import), not status or list.
    assertApiError(await h.cli(...as('creator', status)), 'AccessDenied');
    assertApiError(await h.cli(...as('creator', list)), 'AccessDenied');
    assert.deepEqual(await h.json(...as('creator', ['admin', 'kms', 'key', 'create', 'local', 'creator-key'])), { key: 'creator-key', created: true });
    assertApiError(await h.cli(...as('creator', importKey)), 'EntityAlreadyExists', /already exists/);
    assert.equal(kes.keys.has('viewer-key'), false);
  });

  it('status reports KES offline (exit 0) when it cannot be reached', async () => {
    await kes.close();
    const status = await h.json('admin', 'kms', 'status', 'local');
    assert.equal(status.online, false);
    assert.equal((status.endpoints as Array<{ online: boolean }>)[0]?.online, false);
    const human = await h.cli('admin', 'kms', 'status', 'local');
    assert.match(human.stdout, /\nStatus: +offline\n/);
    assertApiError(await h.cli('admin', 'kms', 'key', 'list', 'local'), 'ServiceUnavailable');
  });
});
