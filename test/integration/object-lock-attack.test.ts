/**
 * Object Lock against ransomware: an attacker holding the root key, or a user with the built-in
 * `readwrite` policy (s3:*), tries every S3, IAM and admin path to delete, overwrite, shorten or
 * bucket-delete locked versions (COMPLIANCE, GOVERNANCE without bypass, legal holds). After every
 * attempt each locked version must read back byte-identical (sha256) with its retention and hold
 * unchanged. Then: GOVERNANCE bypass needs both the header and s3:BypassGovernanceRetention;
 * versions become deletable exactly when their retention ends; a legal hold outlives retention
 * and is lifted only with s3:PutObjectLegalHold. Real time, short retentions (~3 s).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AttachUserPolicyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserCommand, DetachUserPolicyCommand, IAMClient, ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, DeleteBucketPolicyCommand,
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, GetObjectLegalHoldCommand, GetObjectRetentionCommand, PutBucketPolicyCommand,
  PutBucketVersioningCommand, PutObjectCommand, PutObjectLegalHoldCommand, PutObjectLockConfigurationCommand, PutObjectRetentionCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { expectQueryError } from '../helpers/query-errors.js';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, s3Error, startTestServer, type TestServer } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const DAY_MS = 86_400_000;
const B = 'vault';
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}
interface Locked {
  label: string;
  key: string;
  versionId: string;
  sha: string;
  retention: string;
  hold: string;
  /** GOVERNANCE without a legal hold: the bypass header plus the permission legitimately frees it. */
  bypassable: boolean;
}

describe('Object Lock attack: ransomware with the root key and a readwrite user', () => {
  let server: TestServer;
  let root: S3Client;
  const locked: Locked[] = [];
  const users: Record<string, { keys: Keys; s3: S3Client }> = {};

  async function makeUser(name: string, options: { builtIn?: string; inline?: string }): Promise<Keys> {
    await server.app.identity.createUser({ name });
    if (options.builtIn) await server.app.identity.attachPolicy({ type: 'user', name }, options.builtIn);
    if (options.inline) await server.app.identity.putInlinePolicy({ type: 'user', name }, 'inline', options.inline);
    const created = await server.app.identity.createAccessKey({ owner: name });
    const keys = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey.reveal() };
    users[name] = { keys, s3: server.clientFor(keys.accessKeyId, keys.secretAccessKey) };
    return keys;
  }
  const iamAs = (keys: Keys) => new IAMClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: keys, maxAttempts: 1 });

  const retentionText = async (Bucket: string, Key: string, VersionId: string): Promise<string> => {
    try {
      const r = (await root.send(new GetObjectRetentionCommand({ Bucket, Key, VersionId }))).Retention;
      return `${r?.Mode} ${r?.RetainUntilDate?.toISOString()}`;
    } catch (error) {
      return s3Error(error).code;
    }
  };
  const holdText = async (Bucket: string, Key: string, VersionId: string): Promise<string> => {
    try {
      return (await root.send(new GetObjectLegalHoldCommand({ Bucket, Key, VersionId }))).LegalHold?.Status ?? 'none';
    } catch (error) {
      return s3Error(error).code;
    }
  };
  const shaOf = async (client: S3Client, Bucket: string, Key: string, VersionId?: string): Promise<string> => {
    const got = await client.send(new GetObjectCommand({ Bucket, Key, VersionId }));
    return sha256Hex(Buffer.from(await got.Body!.transformToByteArray()));
  };

  /** Every locked version still reads back identical, with the same retention and legal hold. */
  async function assertIntact(after: string): Promise<void> {
    for (const v of locked) {
      assert.equal(await shaOf(root, B, v.key, v.versionId), v.sha, `${v.label} bytes after ${after}`);
      assert.equal(await retentionText(B, v.key, v.versionId), v.retention, `${v.label} retention after ${after}`);
      assert.equal(await holdText(B, v.key, v.versionId), v.hold, `${v.label} legal hold after ${after}`);
    }
  }
  async function upload(client: S3Client, label: string, key: string, lock: Partial<ConstructorParameters<typeof PutObjectCommand>[0]>, bypassable = false): Promise<void> {
    const body = randomBytes(2048);
    const versionId = (await client.send(new PutObjectCommand({ Bucket: B, Key: key, Body: body, ...lock }))).VersionId!;
    locked.push({ label, key, versionId, sha: sha256Hex(body), retention: await retentionText(B, key, versionId), hold: await holdText(B, key, versionId), bypassable });
  }
  /** Expects 403 AccessDenied (the locked-object answer) for an attempt, then checks every version. */
  async function refused(label: string, attempt: Promise<unknown>, code = 'AccessDenied', status = 403): Promise<void> {
    await expectS3Error(attempt, code, status).catch((e: Error) => assert.fail(`${label}: ${e.message}`));
    await assertIntact(label);
  }
  const signedRaw = (method: string, path: string, query = '', body = Buffer.alloc(0), keys: Keys = { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY }, headers: Record<string, string> = {}) => {
    const signed = signRequest({
      method, host: new URL(server.endpoint).host, path, query, headers: { 'content-length': String(body.length), ...headers }, payloadHash: sha256Hex(body),
      accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey,
    });
    return sendRaw(server.endpoint, { method, path: query ? `${path}?${query}` : path, headers: signed.headers, body });
  };

  before(async () => {
    server = await startTestServer();
    root = server.client;
    await root.send(new CreateBucketCommand({ Bucket: B, ObjectLockEnabledForBucket: true }));
    await makeUser('rw', { builtIn: 'readwrite' });
    await makeUser('uploader', { builtIn: 'readwrite' });
    const far = inDays(30);
    await upload(root, 'COMPLIANCE version', 'finance/ledger.xlsx', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: far });
    await upload(root, 'GOVERNANCE version', 'finance/ledger.xlsx', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: far }, true);
    await upload(root, 'legal-hold-only version', 'legal/case.pdf', { ObjectLockLegalHoldStatus: 'ON' });
    await upload(root, 'GOVERNANCE + legal hold version', 'legal/case.pdf', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: far, ObjectLockLegalHoldStatus: 'ON' });
    await upload(users.uploader!.s3, 'COMPLIANCE version written by a user deleted later', 'hr/payroll.csv', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: far });
    // a multipart COMPLIANCE version
    const mpuBody = randomBytes(4096);
    const { UploadId } = await root.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'backups/db.dump', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: far }));
    const part = await root.send(new UploadPartCommand({ Bucket: B, Key: 'backups/db.dump', UploadId, PartNumber: 1, Body: mpuBody }));
    const done = await root.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'backups/db.dump', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    locked.push({
      label: 'multipart COMPLIANCE version', key: 'backups/db.dump', versionId: done.VersionId!, sha: sha256Hex(mpuBody),
      retention: await retentionText(B, 'backups/db.dump', done.VersionId!), hold: 'NoSuchObjectLockConfiguration', bypassable: false,
    });
    for (const v of locked) assert.notEqual(v.retention === 'NoSuchObjectLockConfiguration' && v.hold !== 'ON', true, `${v.label} is locked`);
    await assertIntact('setup');
  });
  after(() => server.stop());

  for (const who of ['root', 'readwrite user'] as const) {
    describe(`attacker holding the ${who} key`, () => {
      const s3 = () => (who === 'root' ? root : users.rw!.s3);

      it('cannot delete a locked version by versionId, with or without the bypass header', async () => {
        for (const v of locked) {
          await refused(`DeleteObject ${v.label}`, s3().send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId })));
          if (!v.bypassable) {
            await refused(`DeleteObject+bypass ${v.label}`, s3().send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId, BypassGovernanceRetention: true })));
          }
        }
      });

      it('cannot delete a locked version through the conditional-delete paths (If-Match, DeleteObjects with ETag)', async () => {
        for (const v of locked) {
          // the conditions name the key's current object (as S3 evaluates them), so they hold
          const head = await root.send(new GetObjectCommand({ Bucket: B, Key: v.key }));
          await head.Body?.transformToByteArray();
          const bypass = v.bypassable ? undefined : true;
          for (const IfMatch of ['*', head.ETag]) {
            await refused(`conditional DeleteObject (If-Match ${IfMatch}) ${v.label}`, s3().send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId, IfMatch, BypassGovernanceRetention: bypass })));
          }
          const res = await s3().send(new DeleteObjectsCommand({
            Bucket: B, BypassGovernanceRetention: bypass, Delete: { Objects: [{ Key: v.key, VersionId: v.versionId, ETag: head.ETag }] },
          }));
          assert.deepEqual([(res.Deleted ?? []).length, (res.Errors ?? []).map((e) => e.Code)], [0, ['AccessDenied']], `conditional DeleteObjects ${v.label}`);
          await assertIntact(`conditional DeleteObjects ${v.label}`);
        }
      });

      it('cannot delete locked versions with DeleteObjects (quiet or not, bypass or not): one AccessDenied per version', async () => {
        for (const bypass of [false, true]) {
          const targets = locked.filter((v) => !(bypass && v.bypassable));
          for (const Quiet of [false, true]) {
            const res = await s3().send(new DeleteObjectsCommand({
              Bucket: B, BypassGovernanceRetention: bypass || undefined, Delete: { Quiet, Objects: targets.map((v) => ({ Key: v.key, VersionId: v.versionId })) },
            }));
            assert.deepEqual(res.Deleted ?? [], [], `nothing deleted (quiet=${Quiet}, bypass=${bypass})`);
            assert.deepEqual(
              (res.Errors ?? []).map((e) => [e.Key, e.VersionId, e.Code]).sort(),
              targets.map((v) => [v.key, v.versionId, 'AccessDenied']).sort(),
              `quiet=${Quiet}, bypass=${bypass}`,
            );
            await assertIntact(`DeleteObjects quiet=${Quiet} bypass=${bypass}`);
          }
        }
      });

      it('cannot shorten, remove or change the mode of a retention (COMPLIANCE even with bypass)', async () => {
        for (const v of locked.filter((x) => x.retention !== 'NoSuchObjectLockConfiguration')) {
          const mode = v.retention.split(' ')[0] as 'GOVERNANCE' | 'COMPLIANCE';
          const other = mode === 'GOVERNANCE' ? 'COMPLIANCE' : 'GOVERNANCE';
          const withBypass = mode === 'COMPLIANCE' ? [false, true] : [false];
          for (const BypassGovernanceRetention of withBypass) {
            const base = { Bucket: B, Key: v.key, VersionId: v.versionId, BypassGovernanceRetention };
            await refused(`shorten ${v.label} bypass=${BypassGovernanceRetention}`, s3().send(new PutObjectRetentionCommand({ ...base, Retention: { Mode: mode, RetainUntilDate: new Date(Date.now() + 1000) } })));
            await refused(`remove ${v.label} bypass=${BypassGovernanceRetention}`, s3().send(new PutObjectRetentionCommand({ ...base, Retention: {} })));
            if (mode === 'COMPLIANCE') {
              await refused(`mode change ${v.label} bypass=${BypassGovernanceRetention}`, s3().send(new PutObjectRetentionCommand({ ...base, Retention: { Mode: other, RetainUntilDate: inDays(60) } })));
            }
          }
        }
        // raw body that removes the retention (no Mode, no RetainUntilDate), with the bypass header
        const c = locked.find((v) => v.label === 'COMPLIANCE version')!;
        const body = Buffer.from('<Retention></Retention>');
        const res = await signedRaw('PUT', `/${B}/${c.key}`, `retention=&versionId=${c.versionId}`, body, undefined, {
          'content-md5': createHash('md5').update(body).digest('base64'), 'x-amz-bypass-governance-retention': 'true',
        });
        assert.deepEqual([res.status, errorCode(res.body)], [403, 'AccessDenied']);
        await assertIntact('raw retention removal');
      });

      it('cannot overwrite: PUT, CopyObject and a completed multipart upload onto the key only add new versions', async () => {
        const c = locked.find((v) => v.label === 'COMPLIANCE version')!;
        const put = await s3().send(new PutObjectCommand({ Bucket: B, Key: c.key, Body: 'encrypted by ransomware' }));
        assert.notEqual(put.VersionId, c.versionId);
        await assertIntact('PUT onto the key');
        await s3().send(new PutObjectCommand({ Bucket: B, Key: 'ransom-note.txt', Body: 'pay up' }));
        const copy = await s3().send(new CopyObjectCommand({ Bucket: B, Key: c.key, CopySource: `${B}/ransom-note.txt` }));
        assert.notEqual(copy.VersionId, c.versionId);
        await assertIntact('CopyObject onto the key');
        const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: B, Key: c.key }));
        const part = await s3().send(new UploadPartCommand({ Bucket: B, Key: c.key, UploadId, PartNumber: 1, Body: 'garbage' }));
        const done = await s3().send(new CompleteMultipartUploadCommand({ Bucket: B, Key: c.key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
        assert.notEqual(done.VersionId, c.versionId);
        await assertIntact('multipart complete onto the key');
        // a replication-style PUT naming the locked version id must not replace it
        const res = await signedRaw('PUT', `/${B}/${c.key}`, `versionId=${c.versionId}`, Buffer.from('overwrite by version id'), who === 'root' ? undefined : users.rw!.keys);
        assert.notEqual(res.status, 500);
        await assertIntact('PUT ?versionId= onto the locked version');
        assert.equal(await shaOf(root, B, c.key, c.versionId), c.sha);
      });

      it('cannot suspend versioning, weaken existing versions through the lock configuration, or delete the bucket', async () => {
        await refused('PutBucketVersioning Suspended', s3().send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } })), 'InvalidBucketState', 409);
        await s3().send(new PutObjectLockConfigurationCommand({ Bucket: B, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } }));
        await assertIntact('a shorter GOVERNANCE default');
        await s3().send(new PutObjectLockConfigurationCommand({ Bucket: B, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
        await assertIntact('removing the default rule');
        await refused('ObjectLockEnabled Disabled', s3().send(new PutObjectLockConfigurationCommand({ Bucket: B, ObjectLockConfiguration: { ObjectLockEnabled: 'Disabled' as 'Enabled' } })), 'MalformedXML', 400);
        // delete markers on every key are allowed (never locked) but hide nothing from the versions
        const markers = [];
        for (const key of new Set(locked.map((v) => v.key))) markers.push([key, (await s3().send(new DeleteObjectCommand({ Bucket: B, Key: key }))).VersionId!] as const);
        await assertIntact('delete markers on every key');
        await refused('DeleteBucket', s3().send(new DeleteBucketCommand({ Bucket: B })), 'BucketNotEmpty', 409);
        for (const [Key, VersionId] of markers) await s3().send(new DeleteObjectCommand({ Bucket: B, Key, VersionId }));
        await assertIntact('removing the delete markers');
      });

      it('gains nothing from bucket-policy tricks (grant everything to everyone, then delete the policy)', async () => {
        const everything = doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`] });
        await s3().send(new PutBucketPolicyCommand({ Bucket: B, Policy: everything }));
        for (const v of locked.filter((x) => !x.bypassable)) {
          await refused(`DeleteObject+bypass under an allow-all bucket policy: ${v.label}`, s3().send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId, BypassGovernanceRetention: true })));
        }
        const anonymous = await sendRaw(server.endpoint, { method: 'DELETE', path: `/${B}/${encodeURI(locked[0]!.key)}?versionId=${locked[0]!.versionId}`, headers: {} });
        assert.equal(anonymous.status, 403, 'anonymous delete under an allow-all policy');
        await assertIntact('anonymous delete');
        await s3().send(new DeleteBucketPolicyCommand({ Bucket: B }));
        for (const v of locked) await refused(`DeleteObject after DeleteBucketPolicy: ${v.label}`, s3().send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId })));
      });

      it('finds no admin API path that deletes buckets or objects', async () => {
        const keys = who === 'root' ? undefined : users.rw!.keys;
        const c = locked[0]!;
        for (const [method, path] of [
          ['DELETE', `/coffer/admin/v1/buckets/${B}`],
          ['DELETE', `/coffer/admin/v1/buckets/${B}/objects/${c.key}`],
          ['POST', `/coffer/admin/v1/buckets/${B}/force-delete`],
          ['DELETE', `/coffer/admin/v1/objects/${B}/${c.key}`],
        ] as const) {
          const res = await signedRaw(method, path, '', Buffer.alloc(0), keys);
          assert.ok(res.status === 404 || res.status === 403, `${method} ${path}: ${res.status}`);
        }
        await assertIntact('admin API paths');
      });
    });
  }

  describe('IAM paths', () => {
    it('a readwrite user cannot reach IAM to widen itself or remove others', async () => {
      const iam = iamAs(users.rw!.keys);
      try {
        await expectQueryError(iam.send(new AttachUserPolicyCommand({ UserName: 'rw', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` })), 'AccessDenied', 403);
        await expectQueryError(iam.send(new CreateUserCommand({ UserName: 'rw-sneaky' })), 'AccessDenied', 403);
        await expectQueryError(iam.send(new DeleteUserCommand({ UserName: 'uploader' })), 'AccessDenied', 403);
      } finally {
        iam.destroy();
      }
      await assertIntact('IAM attempts by the readwrite user');
    });

    it('root deleting the uploader (keys, policies, user) leaves its versions locked; an allow-everything user cannot delete them', async () => {
      const iam = iamAs({ accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY });
      try {
        for (const key of (await iam.send(new ListAccessKeysCommand({ UserName: 'uploader' }))).AccessKeyMetadata ?? []) {
          await iam.send(new DeleteAccessKeyCommand({ UserName: 'uploader', AccessKeyId: key.AccessKeyId }));
        }
        await iam.send(new DetachUserPolicyCommand({ UserName: 'uploader', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/readwrite` }));
        await iam.send(new DeleteUserCommand({ UserName: 'uploader' }));
        await iam.send(new DetachUserPolicyCommand({ UserName: 'rw', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/readwrite` }));
        await iam.send(new AttachUserPolicyCommand({ UserName: 'rw', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` }));
      } finally {
        iam.destroy();
      }
      await assertIntact('deleting the uploader and re-attaching policies');
      const god = await makeUser('god', { inline: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) });
      for (const client of [server.clientFor(god.accessKeyId, god.secretAccessKey), users.rw!.s3]) {
        for (const v of locked.filter((x) => !x.bypassable)) {
          await refused(`allow-everything user deletes ${v.label}`, client.send(new DeleteObjectCommand({ Bucket: B, Key: v.key, VersionId: v.versionId, BypassGovernanceRetention: true })));
        }
      }
    });
  });
});

describe('Object Lock: GOVERNANCE bypass, retention expiry and legal holds', () => {
  let server: TestServer;
  let root: S3Client;
  const G = 'governed';
  const clients: Record<string, S3Client> = {};
  const put = async (Key: string, lock: Partial<ConstructorParameters<typeof PutObjectCommand>[0]>) =>
    (await root.send(new PutObjectCommand({ Bucket: G, Key, Body: `bytes of ${Key}`, ...lock }))).VersionId!;
  const exists = async (Key: string, VersionId: string) => {
    try {
      await root.send(new GetObjectRetentionCommand({ Bucket: G, Key, VersionId }));
      return true;
    } catch (error) {
      const { code } = s3Error(error);
      if (code === 'NoSuchObjectLockConfiguration') return true;
      assert.ok(['NoSuchVersion', 'NoSuchKey'].includes(code), code);
      return false;
    }
  };
  const S3_OBJECT_ACTIONS = [
    's3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention',
    's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:ListBucket', 's3:ListBucketVersions',
  ];

  before(async () => {
    server = await startTestServer();
    root = server.client;
    await root.send(new CreateBucketCommand({ Bucket: G, ObjectLockEnabledForBucket: true }));
    const id = server.app.identity;
    const make = async (name: string, builtIn: string | undefined, inline: string | undefined) => {
      await id.createUser({ name });
      if (builtIn) await id.attachPolicy({ type: 'user', name }, builtIn);
      if (inline) await id.putInlinePolicy({ type: 'user', name }, 'inline', inline);
      const key = await id.createAccessKey({ owner: name });
      clients[name] = server.clientFor(key.accessKeyId, key.secretAccessKey.reveal());
    };
    await make('rw', 'readwrite', undefined);
    await make('rw-deny-bypass', 'readwrite', doc({ Effect: 'Deny', Action: 's3:BypassGovernanceRetention', Resource: '*' }));
    await make('no-bypass', undefined, doc({ Effect: 'Allow', Action: S3_OBJECT_ACTIONS, Resource: [`arn:aws:s3:::${G}`, `arn:aws:s3:::${G}/*`] }));
    await make('granted', undefined, doc({ Effect: 'Allow', Action: [...S3_OBJECT_ACTIONS, 's3:BypassGovernanceRetention'], Resource: [`arn:aws:s3:::${G}`, `arn:aws:s3:::${G}/*`] }));
  });
  after(() => server.stop());

  it('frees a GOVERNANCE version only with the header AND s3:BypassGovernanceRetention', async () => {
    const gov = { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: inDays(10) };
    for (const who of ['rw-deny-bypass', 'no-bypass']) {
      const v = await put(`${who}/k`, gov);
      const c = clients[who]!;
      await expectS3Error(c.send(new DeleteObjectCommand({ Bucket: G, Key: `${who}/k`, VersionId: v, BypassGovernanceRetention: true })), 'AccessDenied', 403);
      await expectS3Error(c.send(new PutObjectRetentionCommand({ Bucket: G, Key: `${who}/k`, VersionId: v, Retention: {}, BypassGovernanceRetention: true })), 'AccessDenied', 403);
      await expectS3Error(
        c.send(new PutObjectRetentionCommand({ Bucket: G, Key: `${who}/k`, VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) }, BypassGovernanceRetention: true })),
        'AccessDenied', 403,
      );
      const multi = await c.send(new DeleteObjectsCommand({ Bucket: G, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: `${who}/k`, VersionId: v }] } }));
      assert.deepEqual((multi.Errors ?? []).map((e) => [e.Code, e.VersionId]), [['AccessDenied', v]], who);
      assert.equal(await exists(`${who}/k`, v), true, `${who} did not delete it`);
      // lazily judged: the same caller still deletes an unlocked version while sending the header
      const free = await put(`${who}/free`, {});
      await c.send(new DeleteObjectCommand({ Bucket: G, Key: `${who}/free`, VersionId: free, BypassGovernanceRetention: true }));
      assert.equal(await exists(`${who}/free`, free), false);
    }
    for (const who of ['rw', 'granted', 'root']) {
      const c = who === 'root' ? root : clients[who]!;
      const v = await put(`${who}/k`, gov);
      await expectS3Error(c.send(new DeleteObjectCommand({ Bucket: G, Key: `${who}/k`, VersionId: v })), 'AccessDenied', 403);
      const res = await c.send(new DeleteObjectCommand({ Bucket: G, Key: `${who}/k`, VersionId: v, BypassGovernanceRetention: true }));
      assert.equal(res.$metadata.httpStatusCode, 204, who);
      assert.equal(await exists(`${who}/k`, v), false, who);
      const w = await put(`${who}/m`, gov);
      const multi = await c.send(new DeleteObjectsCommand({ Bucket: G, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: `${who}/m`, VersionId: w }] } }));
      assert.deepEqual((multi.Deleted ?? []).map((d) => d.VersionId), [w], who);
      const r = await put(`${who}/r`, gov);
      await c.send(new PutObjectRetentionCommand({ Bucket: G, Key: `${who}/r`, VersionId: r, Retention: {}, BypassGovernanceRetention: true }));
      await c.send(new DeleteObjectCommand({ Bucket: G, Key: `${who}/r`, VersionId: r }));
    }
  });

  it('makes versions deletable exactly when retention ends, and keeps legal holds until lifted with s3:PutObjectLegalHold', async () => {
    const until = new Date(Date.now() + 3000);
    const comp = await put('short/compliance', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until });
    const gov = await put('short/governance', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until });
    const held = await put('short/held', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'ON' });
    // before the end: refused for root, with or without the header (GOVERNANCE frees only with it)
    await expectS3Error(root.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/compliance', VersionId: comp, BypassGovernanceRetention: true })), 'AccessDenied', 403);
    await expectS3Error(root.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/governance', VersionId: gov })), 'AccessDenied', 403);
    await expectS3Error(clients.rw!.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/compliance', VersionId: comp })), 'AccessDenied', 403);
    await sleep(until.getTime() - Date.now() - 400);
    await expectS3Error(root.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/compliance', VersionId: comp })), 'AccessDenied', 403);
    await sleep(until.getTime() - Date.now() + 150);
    // after the end: a plain versioned delete (no header) succeeds, once
    for (const [Key, VersionId] of [['short/compliance', comp], ['short/governance', gov]] as const) {
      const res = await clients.rw!.send(new DeleteObjectCommand({ Bucket: G, Key, VersionId }));
      assert.equal(res.$metadata.httpStatusCode, 204, Key);
      assert.equal(await exists(Key, VersionId), false, Key);
    }
    // the legal hold outlives the retention and ignores bypass
    await expectS3Error(root.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/held', VersionId: held, BypassGovernanceRetention: true })), 'AccessDenied', 403);
    const multi = await root.send(new DeleteObjectsCommand({ Bucket: G, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: 'short/held', VersionId: held }] } }));
    assert.deepEqual((multi.Errors ?? []).map((e) => e.Code), ['AccessDenied']);
    // lifting it needs s3:PutObjectLegalHold (no-bypass lacks it; readwrite has it through s3:*)
    await expectS3Error(clients['no-bypass']!.send(new PutObjectLegalHoldCommand({ Bucket: G, Key: 'short/held', VersionId: held, LegalHold: { Status: 'OFF' } })), 'AccessDenied', 403);
    assert.equal((await root.send(new GetObjectLegalHoldCommand({ Bucket: G, Key: 'short/held', VersionId: held }))).LegalHold?.Status, 'ON');
    await clients.rw!.send(new PutObjectLegalHoldCommand({ Bucket: G, Key: 'short/held', VersionId: held, LegalHold: { Status: 'OFF' } }));
    const res = await clients['no-bypass']!.send(new DeleteObjectCommand({ Bucket: G, Key: 'short/held', VersionId: held }));
    assert.equal(res.$metadata.httpStatusCode, 204);
    assert.equal(await exists('short/held', held), false);
  });
});
