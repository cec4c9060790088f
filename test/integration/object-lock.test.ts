/**
 * Object Lock through AWS SDK v3, as AWS defines it: lock buckets (at creation and on an existing
 * versioned bucket), Put/GetObjectLockConfiguration and their errors, lock headers on PutObject,
 * CopyObject and CreateMultipartUpload, the bucket default (also with only a legal hold),
 * Put/GetObjectRetention and Put/GetObjectLegalHold (with versionId), GET/HEAD headers, the
 * permissions, and bad input (headers, XML bodies, missing Content-MD5, oversized bodies) that
 * must get the AWS error and change nothing. A second server with a movable clock checks that a
 * clock found behind the store's high-water mark keeps versions locked (fail closed).
 * The ransomware-style attack suite is object-lock-attack.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetBucketVersioningCommand, GetObjectCommand, GetObjectLegalHoldCommand, GetObjectLockConfigurationCommand, GetObjectRetentionCommand,
  HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, PutObjectLegalHoldCommand, PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand, S3Client, UploadPartCommand, type ObjectLockConfiguration,
} from '@aws-sdk/client-s3';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { errorCode, sendRaw, sha256Hex, signRequest, type RawResponse } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, s3Error, startTestServer, type TestServer } from '../helpers/server.js';

const DAY_MS = 86_400_000;
const FAR = new Date('2099-01-01T00:00:00.000Z');
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);
const md5 = (body: Buffer) => createHash('md5').update(body).digest('base64');
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

describe('Object Lock through AWS SDK v3', () => {
  let server: TestServer;
  let s3: S3Client;
  let n = 0;
  const name = (prefix: string) => `${prefix}-${++n}`;
  const lockBucket = async (rule?: ObjectLockConfiguration['Rule']): Promise<string> => {
    const Bucket = name('lock');
    await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
    if (rule) await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: rule } }));
    return Bucket;
  };
  const plainBucket = async (versioning?: 'Enabled' | 'Suspended'): Promise<string> => {
    const Bucket = name('plain');
    await s3.send(new CreateBucketCommand({ Bucket }));
    if (versioning) await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: versioning } }));
    return Bucket;
  };
  const put = async (Bucket: string, Key: string, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
    (await s3.send(new PutObjectCommand({ Bucket, Key, Body: `body of ${Key}`, ...extra }))).VersionId!;
  const retentionOf = async (Bucket: string, Key: string, VersionId?: string) => {
    try {
      const got = (await s3.send(new GetObjectRetentionCommand({ Bucket, Key, VersionId }))).Retention;
      return { mode: got?.Mode, until: got?.RetainUntilDate?.toISOString() };
    } catch (error) {
      return s3Error(error).code;
    }
  };
  const holdOf = async (Bucket: string, Key: string, VersionId?: string) => {
    try {
      return (await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key, VersionId }))).LegalHold?.Status;
    } catch (error) {
      return s3Error(error).code;
    }
  };
  /** A signed raw request with Content-MD5 of the body unless `md5: false`. */
  const raw = (method: string, path: string, query: string, body: Buffer | string = '', options: { md5?: boolean; headers?: Record<string, string>; keys?: Keys } = {}): Promise<RawResponse> => {
    const payload = Buffer.from(body);
    const headers: Record<string, string> = { 'content-length': String(payload.length), ...options.headers };
    if (options.md5 !== false) headers['content-md5'] = md5(payload);
    const keys = options.keys ?? { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY };
    const signed = signRequest({
      method, host: new URL(server.endpoint).host, path, query, headers, payloadHash: sha256Hex(payload), accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey,
    });
    return sendRaw(server.endpoint, { method, path: query ? `${path}?${query}` : path, headers: signed.headers, body: payload });
  };
  const rawError = (res: RawResponse) => [res.status, errorCode(res.body)];
  async function userKeys(userName: string, policy: string): Promise<Keys> {
    await server.app.identity.createUser({ name: userName });
    await server.app.identity.putInlinePolicy({ type: 'user', name: userName }, 'p', policy);
    const created = await server.app.identity.createAccessKey({ owner: userName });
    return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey.reveal() };
  }

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
  });
  after(() => server.stop());

  describe('lock buckets and PutObjectLockConfiguration', () => {
    it('creates a lock bucket with versioning Enabled and an Enabled configuration without a rule', async () => {
      const Bucket = await lockBucket();
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
      const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
      assert.deepEqual(got.ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled' });
    });

    it('stores and returns a default rule (Days or Years), replaces it, and removes it with a configuration without Rule', async () => {
      const Bucket = await lockBucket();
      for (const DefaultRetention of [{ Mode: 'GOVERNANCE', Days: 1 }, { Mode: 'COMPLIANCE', Years: 1 }, { Mode: 'GOVERNANCE', Days: 36500 }, { Mode: 'COMPLIANCE', Years: 100 }] as const) {
        await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention } } }));
        const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
        assert.deepEqual(got.ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention } });
      }
      await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
      assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled' });
    });

    it('refuses bad configurations with the AWS errors and keeps the stored rule', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'GOVERNANCE', Days: 3 } });
      const cases: Array<[object, string]> = [
        [{ ObjectLockEnabled: 'Disabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } }, 'MalformedXML'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'abc', Days: 1 } } }, 'MalformedXML'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'governance', Days: 1 } } }, 'MalformedXML'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1, Years: 1 } } }, 'MalformedXML'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 0 } } }, 'InvalidRetentionPeriod'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: -1 } } }, 'InvalidRetentionPeriod'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Years: -1 } } }, 'InvalidRetentionPeriod'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 36501 } } }, 'InvalidRetentionPeriod'],
        [{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 101 } } }, 'InvalidRetentionPeriod'],
      ];
      for (const [ObjectLockConfiguration, code] of cases) {
        await expectS3Error(s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: ObjectLockConfiguration as ObjectLockConfiguration })), code, 400)
          .catch((e: Error) => assert.fail(`${JSON.stringify(ObjectLockConfiguration)}: ${e.message}`));
      }
      const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
      assert.deepEqual(got.ObjectLockConfiguration?.Rule, { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3 } });
    });

    it('refuses malformed, unknown-element, missing-MD5 and oversized XML bodies and changes nothing', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'COMPLIANCE', Days: 2 } });
      const ok = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
      const bodies: Array<[string, string]> = [
        ['', 'MalformedXML'],
        ['<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>', 'MalformedXML'],
        ['<LockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></LockConfiguration>', 'MalformedXML'],
        ['<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Extra/></ObjectLockConfiguration>', 'MalformedXML'],
        ['<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>', 'MalformedXML'],
        ['<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>x</Days></DefaultRetention></Rule></ObjectLockConfiguration>', 'MalformedXML'],
        ['<!DOCTYPE x [<!ENTITY e "Enabled">]><ObjectLockConfiguration><ObjectLockEnabled>&e;</ObjectLockEnabled></ObjectLockConfiguration>', 'MalformedXML'],
        [ok.replace('</ObjectLockConfiguration>', `${' '.repeat(5000)}</ObjectLockConfiguration>`), 'MaxMessageLengthExceeded'],
      ];
      for (const [body, code] of bodies) {
        assert.deepEqual(rawError(await raw('PUT', `/${Bucket}`, 'object-lock=', body)), [400, code], body.slice(0, 80));
      }
      const noMd5 = await raw('PUT', `/${Bucket}`, 'object-lock=', ok, { md5: false });
      assert.deepEqual(rawError(noMd5), [400, 'InvalidRequest'], 'a configuration without Content-MD5 or checksum');
      const wrongMd5 = await raw('PUT', `/${Bucket}`, 'object-lock=', ok, { md5: false, headers: { 'content-md5': md5(Buffer.from('other')) } });
      assert.deepEqual(rawError(wrongMd5), [400, 'BadDigest']);
      const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
      assert.deepEqual(got.ObjectLockConfiguration?.Rule, { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2 } });
      assert.equal(rawError(await raw('PUT', `/${Bucket}`, 'object-lock=', ok))[0], 200, 'the same body with Content-MD5 is accepted');
    });

    it('answers ObjectLockConfigurationNotFoundError (404) for a bucket without lock, and NoSuchBucket for a missing one', async () => {
      const Bucket = await plainBucket('Enabled');
      await expectS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket })), 'ObjectLockConfigurationNotFoundError', 404);
      await expectS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'no-such-lock-bucket' })), 'NoSuchBucket', 404);
    });

    it('refuses a configuration on an unversioned or Suspended bucket (InvalidBucketState) and enables lock on an Enabled one', async () => {
      const Bucket = await plainBucket();
      const ObjectLockConfiguration = { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } as const;
      await expectS3Error(s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration })), 'InvalidBucketState', 409);
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      await expectS3Error(s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration })), 'InvalidBucketState', 409);
      await expectS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket })), 'ObjectLockConfigurationNotFoundError', 404);
      const before = await put(Bucket, 'before-lock');
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration }));
      assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration, ObjectLockConfiguration);
      // objects written before keep no retention; new ones get the default
      assert.equal(await retentionOf(Bucket, 'before-lock', before), 'NoSuchObjectLockConfiguration');
      const after = await put(Bucket, 'after-lock');
      assert.equal((await retentionOf(Bucket, 'after-lock', after) as { mode: string }).mode, 'GOVERNANCE');
      await expectS3Error(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })), 'InvalidBucketState', 409);
    });

    it('refuses to suspend versioning on a lock bucket and keeps it Enabled', async () => {
      const Bucket = await lockBucket();
      await expectS3Error(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })), 'InvalidBucketState', 409);
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
    });

    it('answers 400 InvalidArgument for x-amz-bucket-object-lock-enabled other than true/false, and false makes a plain bucket', async () => {
      const bad = name('badhdr');
      assert.deepEqual(rawError(await raw('PUT', `/${bad}`, '', '', { md5: false, headers: { 'x-amz-bucket-object-lock-enabled': 'yes' } })), [400, 'InvalidArgument']);
      await expectS3Error(s3.send(new GetBucketVersioningCommand({ Bucket: bad })), 'NoSuchBucket', 404);
      const off = name('offhdr');
      assert.equal((await raw('PUT', `/${off}`, '', '', { md5: false, headers: { 'x-amz-bucket-object-lock-enabled': 'false' } })).status, 200);
      await expectS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket: off })), 'ObjectLockConfigurationNotFoundError', 404);
    });

    it('needs s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning to create a lock bucket', async () => {
      const creator = await userKeys('lock-creator', doc({ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }));
      const client = server.clientFor(creator.accessKeyId, creator.secretAccessKey);
      await expectS3Error(client.send(new CreateBucketCommand({ Bucket: 'creator-locked', ObjectLockEnabledForBucket: true })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new GetBucketVersioningCommand({ Bucket: 'creator-locked' })), 'NoSuchBucket', 404);
      await client.send(new CreateBucketCommand({ Bucket: 'creator-plain' }));
      const full = await userKeys('lock-creator-2', doc({ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning'], Resource: '*' }));
      await server.clientFor(full.accessKeyId, full.secretAccessKey).send(new CreateBucketCommand({ Bucket: 'creator-locked-2', ObjectLockEnabledForBucket: true }));
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'creator-locked-2' }))).Status, 'Enabled');
    });
  });

  describe('writes with lock headers and the bucket default', () => {
    it('stores retention and legal hold from PutObject headers and returns them on HEAD and GET (ISO 8601 with milliseconds)', async () => {
      const Bucket = await lockBucket();
      const until = new Date('2098-03-04T05:06:07.089Z');
      const id = await put(Bucket, 'k', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'ON' });
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: id }));
      assert.deepEqual([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.toISOString(), head.ObjectLockLegalHoldStatus], ['COMPLIANCE', until.toISOString(), 'ON']);
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }));
      assert.deepEqual([got.ObjectLockMode, got.ObjectLockRetainUntilDate?.toISOString(), got.ObjectLockLegalHoldStatus], ['COMPLIANCE', until.toISOString(), 'ON']);
      await got.Body?.transformToByteArray();
      const res = await raw('HEAD', `/${Bucket}/k`, '', '', { md5: false });
      assert.equal(res.headers['x-amz-object-lock-retain-until-date'], '2098-03-04T05:06:07.089Z');
      assert.equal(res.headers['x-amz-object-lock-mode'], 'COMPLIANCE');
      assert.equal(res.headers['x-amz-object-lock-legal-hold'], 'ON');
      assert.deepEqual(await retentionOf(Bucket, 'k', id), { mode: 'COMPLIANCE', until: until.toISOString() });
      assert.equal(await holdOf(Bucket, 'k', id), 'ON');
    });

    it('sends no lock headers for a version without retention or legal hold', async () => {
      const Bucket = await lockBucket();
      await put(Bucket, 'bare');
      const res = await raw('HEAD', `/${Bucket}/bare`, '', '', { md5: false });
      assert.equal(res.status, 200);
      for (const h of ['x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date', 'x-amz-object-lock-legal-hold']) assert.equal(res.headers[h], undefined, h);
    });

    it('applies the bucket default (Days and Years) when no retention header is sent, also with only a legal hold', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'GOVERNANCE', Days: 2 } });
      const t0 = Date.now();
      const plain = await put(Bucket, 'default');
      const held = await put(Bucket, 'default-held', { ObjectLockLegalHoldStatus: 'ON' });
      const t1 = Date.now();
      for (const [Key, VersionId] of [['default', plain], ['default-held', held]] as const) {
        const r = await retentionOf(Bucket, Key, VersionId) as { mode: string; until: string };
        assert.equal(r.mode, 'GOVERNANCE', Key);
        const until = Date.parse(r.until);
        assert.ok(until >= t0 + 2 * DAY_MS - 1000 && until <= t1 + 2 * DAY_MS + 1000, `${Key}: ${r.until}`);
      }
      assert.equal(await holdOf(Bucket, 'default-held', held), 'ON');
      assert.equal(await holdOf(Bucket, 'default', plain), 'NoSuchObjectLockConfiguration');
      const yearly = await lockBucket({ DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } });
      const y = await put(yearly, 'y');
      const r = await retentionOf(yearly, 'y', y) as { mode: string; until: string };
      assert.equal(r.mode, 'COMPLIANCE');
      const days = (Date.parse(r.until) - Date.now()) / DAY_MS;
      assert.ok(days > 364 && days < 367, `one year ahead: ${r.until}`);
    });

    it('lets explicit retention headers override the bucket default', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } });
      const id = await put(Bucket, 'explicit', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: FAR });
      assert.deepEqual(await retentionOf(Bucket, 'explicit', id), { mode: 'GOVERNANCE', until: FAR.toISOString() });
    });

    it('carries lock headers through CreateMultipartUpload to the completed object, and the default when none are sent', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } });
      const upload = async (Key: string, extra: Partial<ConstructorParameters<typeof CreateMultipartUploadCommand>[0]>) => {
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ...extra }));
        const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'part one' }));
        return (await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))).VersionId!;
      };
      const locked = await upload('mpu-locked', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: FAR, ObjectLockLegalHoldStatus: 'ON' });
      assert.deepEqual(await retentionOf(Bucket, 'mpu-locked', locked), { mode: 'COMPLIANCE', until: FAR.toISOString() });
      assert.equal(await holdOf(Bucket, 'mpu-locked', locked), 'ON');
      const defaulted = await upload('mpu-default', {});
      assert.equal((await retentionOf(Bucket, 'mpu-default', defaulted) as { mode: string }).mode, 'GOVERNANCE');
      await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key: 'mpu-locked', VersionId: locked })), 'AccessDenied', 403);
    });

    it('gives CopyObject its own lock headers or the default, never the source lock', async () => {
      const Bucket = await lockBucket();
      const src = await put(Bucket, 'src', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: FAR, ObjectLockLegalHoldStatus: 'ON' });
      assert.ok(src);
      const plainCopy = (await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy-plain', CopySource: `${Bucket}/src` }))).VersionId!;
      assert.equal(await retentionOf(Bucket, 'copy-plain', plainCopy), 'NoSuchObjectLockConfiguration');
      assert.equal(await holdOf(Bucket, 'copy-plain', plainCopy), 'NoSuchObjectLockConfiguration');
      const until = inDays(5);
      const lockedCopy = (await s3.send(new CopyObjectCommand({
        Bucket, Key: 'copy-locked', CopySource: `${Bucket}/src`, ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'OFF',
      }))).VersionId!;
      assert.deepEqual(await retentionOf(Bucket, 'copy-locked', lockedCopy), { mode: 'GOVERNANCE', until: until.toISOString() });
      assert.equal(await holdOf(Bucket, 'copy-locked', lockedCopy), 'OFF');
      const withDefault = await lockBucket({ DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } });
      const defaultCopy = (await s3.send(new CopyObjectCommand({ Bucket: withDefault, Key: 'copy', CopySource: `${Bucket}/src` }))).VersionId!;
      assert.equal((await retentionOf(withDefault, 'copy', defaultCopy) as { mode: string }).mode, 'COMPLIANCE');
      assert.equal(await holdOf(withDefault, 'copy', defaultCopy), 'NoSuchObjectLockConfiguration');
    });

    it('refuses any lock header on a bucket without Object Lock (InvalidRequest) and stores nothing', async () => {
      const Bucket = await plainBucket('Enabled');
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['PutObject legal hold', () => s3.send(new PutObjectCommand({ Bucket, Key: 'x', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }))],
        ['PutObject retention', () => s3.send(new PutObjectCommand({ Bucket, Key: 'x', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: FAR }))],
        ['CreateMultipartUpload', () => s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: FAR }))],
      ];
      for (const [label, attempt] of attempts) await expectS3Error(attempt(), 'InvalidRequest', 400).catch((e: Error) => assert.fail(`${label}: ${e.message}`));
      await put(Bucket, 'source');
      await expectS3Error(s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/source`, ObjectLockLegalHoldStatus: 'ON' })), 'InvalidRequest', 400);
      await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: 'x' })), 'NotFound', 404);
      for (const call of [
        () => s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'source', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: FAR } })),
        () => s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'source' })),
        () => s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'source', LegalHold: { Status: 'ON' } })),
        () => s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'source' })),
      ]) await expectS3Error(call(), 'InvalidRequest', 400);
    });

    it('refuses bad lock headers with InvalidArgument and stores nothing', async () => {
      const Bucket = await lockBucket();
      const past = new Date(Date.now() - 60_000).toISOString();
      const future = FAR.toISOString();
      const cases: Array<Record<string, string>> = [
        { 'x-amz-object-lock-mode': 'GOVERNANCE' },
        { 'x-amz-object-lock-retain-until-date': future },
        { 'x-amz-object-lock-mode': 'governance', 'x-amz-object-lock-retain-until-date': future },
        { 'x-amz-object-lock-mode': 'FOREVER', 'x-amz-object-lock-retain-until-date': future },
        { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': past },
        { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': 'next tuesday' },
        { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '' },
        { 'x-amz-object-lock-legal-hold': 'MAYBE' },
      ];
      for (const headers of cases) {
        const res = await raw('PUT', `/${Bucket}/bad`, '', 'bytes', { headers });
        assert.deepEqual(rawError(res), [400, 'InvalidArgument'], JSON.stringify(headers));
        const mpu = await raw('POST', `/${Bucket}/bad`, 'uploads=', '', { headers });
        assert.deepEqual(rawError(mpu), [400, 'InvalidArgument'], `CreateMultipartUpload ${JSON.stringify(headers)}`);
      }
      await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: 'bad' })), 'NotFound', 404);
    });

    it('needs s3:PutObjectRetention / s3:PutObjectLegalHold for explicit lock headers, but not for the bucket default', async () => {
      const Bucket = await lockBucket({ DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } });
      const writer = await userKeys('lock-writer', doc({ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${Bucket}/*` }));
      const client = server.clientFor(writer.accessKeyId, writer.secretAccessKey);
      const id = (await client.send(new PutObjectCommand({ Bucket, Key: 'w', Body: 'x' }))).VersionId!;
      assert.equal((await retentionOf(Bucket, 'w', id) as { mode: string }).mode, 'GOVERNANCE');
      await expectS3Error(client.send(new PutObjectCommand({ Bucket, Key: 'w2', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: FAR })), 'AccessDenied', 403);
      await expectS3Error(client.send(new PutObjectCommand({ Bucket, Key: 'w3', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })), 'AccessDenied', 403);
      for (const call of [
        () => client.send(new GetObjectRetentionCommand({ Bucket, Key: 'w' })),
        () => client.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'w' })),
        () => client.send(new PutObjectRetentionCommand({ Bucket, Key: 'w', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: FAR } })),
        () => client.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'w', LegalHold: { Status: 'ON' } })),
      ]) await expectS3Error(call(), 'AccessDenied', 403);
      assert.equal(await holdOf(Bucket, 'w', id), 'NoSuchObjectLockConfiguration');
    });

    it('fills the s3:object-lock-mode condition key (a Deny on COMPLIANCE refuses only COMPLIANCE writes)', async () => {
      const Bucket = await lockBucket();
      const keys = await userKeys('lock-no-compliance', doc(
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObjectRetention'], Resource: `arn:aws:s3:::${Bucket}/*` },
        { Effect: 'Deny', Action: ['s3:PutObject', 's3:PutObjectRetention'], Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } } },
      ));
      const client = server.clientFor(keys.accessKeyId, keys.secretAccessKey);
      await client.send(new PutObjectCommand({ Bucket, Key: 'g', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) }));
      await expectS3Error(client.send(new PutObjectCommand({ Bucket, Key: 'c', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: inDays(1) })), 'AccessDenied', 403);
      await expectS3Error(client.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(2) } })), 'AccessDenied', 403);
    });

    it('authorizes PutObjectRetention / PutObjectLegalHold with the keys of their body: an Allow that requires them grants exactly that', async () => {
      const Bucket = await lockBucket();
      const plain = await plainBucket();
      await put(Bucket, 'k');
      const keys = await userKeys('lock-at-most-10-days', doc(
        { Effect: 'Allow', Action: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'], Resource: `arn:aws:s3:::${Bucket}/*` },
        { Effect: 'Allow', Action: 's3:PutObjectRetention', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { NumericLessThanEquals: { 's3:object-lock-remaining-retention-days': '10' } } },
        { Effect: 'Allow', Action: 's3:PutObjectLegalHold', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { StringEquals: { 's3:object-lock-legal-hold': 'OFF' } } },
      ));
      const client = server.clientFor(keys.accessKeyId, keys.secretAccessKey);
      const eight = inDays(8);
      await client.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: eight } }));
      assert.deepEqual(await retentionOf(Bucket, 'k'), { mode: 'GOVERNANCE', until: eight.toISOString() });
      await expectS3Error(client.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(20) } })), 'AccessDenied', 403);
      assert.deepEqual(await retentionOf(Bucket, 'k'), { mode: 'GOVERNANCE', until: eight.toISOString() });
      await client.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', LegalHold: { Status: 'OFF' } }));
      await expectS3Error(client.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', LegalHold: { Status: 'ON' } })), 'AccessDenied', 403);
      assert.equal(await holdOf(Bucket, 'k'), 'OFF');
      // Refused callers learn nothing first: not that a bucket lacks Object Lock, nor that a key is missing.
      const outsiderKeys = await userKeys('lock-outsider', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
      const outsider = server.clientFor(outsiderKeys.accessKeyId, outsiderKeys.secretAccessKey);
      for (const [B, Key] of [[plain, 'k'], [Bucket, 'missing'], [Bucket, 'k']] as const) {
        await expectS3Error(outsider.send(new PutObjectRetentionCommand({ Bucket: B, Key, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) } })), 'AccessDenied', 403);
        await expectS3Error(outsider.send(new PutObjectLegalHoldCommand({ Bucket: B, Key, LegalHold: { Status: 'ON' } })), 'AccessDenied', 403);
      }
      assert.equal(await holdOf(Bucket, 'k'), 'OFF');
    });
  });

  describe('PutObjectRetention, GetObjectRetention, PutObjectLegalHold, GetObjectLegalHold', () => {
    it('sets retention on the latest version and on an older one by versionId', async () => {
      const Bucket = await lockBucket();
      const v1 = await put(Bucket, 'k');
      const v2 = await put(Bucket, 'k');
      const until1 = inDays(3);
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', VersionId: v1, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until1 } }));
      assert.deepEqual(await retentionOf(Bucket, 'k', v1), { mode: 'GOVERNANCE', until: until1.toISOString() });
      assert.equal(await retentionOf(Bucket, 'k', v2), 'NoSuchObjectLockConfiguration');
      assert.equal(await retentionOf(Bucket, 'k'), 'NoSuchObjectLockConfiguration');
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', Retention: { Mode: 'COMPLIANCE', RetainUntilDate: FAR } }));
      assert.deepEqual(await retentionOf(Bucket, 'k', v2), { mode: 'COMPLIANCE', until: FAR.toISOString() });
      assert.deepEqual(await retentionOf(Bucket, 'k'), { mode: 'COMPLIANCE', until: FAR.toISOString() });
    });

    it('extends GOVERNANCE and COMPLIANCE, and refuses weakening without bypass (403 AccessDenied)', async () => {
      const Bucket = await lockBucket();
      const until = inDays(2);
      const g = await put(Bucket, 'g', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until });
      const c = await put(Bucket, 'c', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until });
      for (const [Key, VersionId, Mode] of [['g', g, 'GOVERNANCE'], ['c', c, 'COMPLIANCE']] as const) {
        await s3.send(new PutObjectRetentionCommand({ Bucket, Key, VersionId, Retention: { Mode, RetainUntilDate: until } }));
        const later = inDays(4);
        await s3.send(new PutObjectRetentionCommand({ Bucket, Key, VersionId, Retention: { Mode, RetainUntilDate: later } }));
        await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket, Key, VersionId, Retention: { Mode, RetainUntilDate: inDays(1) } })), 'AccessDenied', 403);
        await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket, Key, VersionId, Retention: {} })), 'AccessDenied', 403);
        assert.deepEqual(await retentionOf(Bucket, Key, VersionId), { mode: Mode, until: later.toISOString() });
      }
      await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', VersionId: g, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(5) } })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'c', VersionId: c, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(5) } })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'c', VersionId: c, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(5) }, BypassGovernanceRetention: true })), 'AccessDenied', 403);
    });

    it('shortens, removes and changes GOVERNANCE to COMPLIANCE with the bypass header (root)', async () => {
      const Bucket = await lockBucket();
      const g = await put(Bucket, 'g', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(10) });
      const shorter = inDays(1);
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', VersionId: g, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: shorter }, BypassGovernanceRetention: true }));
      assert.deepEqual(await retentionOf(Bucket, 'g', g), { mode: 'GOVERNANCE', until: shorter.toISOString() });
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', VersionId: g, Retention: {}, BypassGovernanceRetention: true }));
      assert.equal(await retentionOf(Bucket, 'g', g), 'NoSuchObjectLockConfiguration');
      const h = await put(Bucket, 'h', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) });
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'h', VersionId: h, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(1) }, BypassGovernanceRetention: true }));
      assert.equal((await retentionOf(Bucket, 'h', h) as { mode: string }).mode, 'COMPLIANCE');
    });

    it('refuses bad retention bodies (MalformedXML), a past date (InvalidArgument), a missing Content-MD5 and oversized bodies, changing nothing', async () => {
      const Bucket = await lockBucket();
      const until = inDays(3);
      const id = await put(Bucket, 'k', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until });
      const future = inDays(4).toISOString();
      const bodies: Array<[string, string]> = [
        ['', 'MalformedXML'],
        ['<Retention><Mode>GOVERNANCE</Mode>', 'MalformedXML'],
        [`<Retention><Mode>GOVERNANCE</Mode></Retention>`, 'MalformedXML'],
        [`<Retention><RetainUntilDate>${future}</RetainUntilDate></Retention>`, 'MalformedXML'],
        [`<Retention><Mode>governance</Mode><RetainUntilDate>${future}</RetainUntilDate></Retention>`, 'MalformedXML'],
        [`<Retention><Mode>abc</Mode><RetainUntilDate>${future}</RetainUntilDate></Retention>`, 'MalformedXML'],
        [`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${future}</RetainUntilDate><Extra/></Retention>`, 'MalformedXML'],
        [`<Rentention><Mode>GOVERNANCE</Mode><RetainUntilDate>${future}</RetainUntilDate></Rentention>`, 'MalformedXML'],
        [`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${new Date(Date.now() - 60_000).toISOString()}</RetainUntilDate></Retention>`, 'InvalidArgument'],
        [`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${future}</RetainUntilDate>${' '.repeat(5000)}</Retention>`, 'MaxMessageLengthExceeded'],
      ];
      for (const [body, code] of bodies) {
        assert.deepEqual(rawError(await raw('PUT', `/${Bucket}/k`, `retention=&versionId=${id}`, body)), [400, code], body.slice(0, 100));
      }
      const good = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${future}</RetainUntilDate></Retention>`;
      assert.deepEqual(rawError(await raw('PUT', `/${Bucket}/k`, 'retention=', good, { md5: false })), [400, 'InvalidRequest']);
      assert.deepEqual(await retentionOf(Bucket, 'k', id), { mode: 'GOVERNANCE', until: until.toISOString() });
      assert.equal((await raw('PUT', `/${Bucket}/k`, 'retention=', good)).status, 200);
    });

    it('sets and lifts a legal hold by versionId, and refuses bad legal-hold bodies without changing it', async () => {
      const Bucket = await lockBucket();
      const v1 = await put(Bucket, 'k');
      const v2 = await put(Bucket, 'k');
      assert.equal(await holdOf(Bucket, 'k', v1), 'NoSuchObjectLockConfiguration');
      await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: v1, LegalHold: { Status: 'ON' } }));
      assert.equal(await holdOf(Bucket, 'k', v1), 'ON');
      assert.equal(await holdOf(Bucket, 'k', v2), 'NoSuchObjectLockConfiguration');
      await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v1 })), 'AccessDenied', 403);
      await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v1, BypassGovernanceRetention: true })), 'AccessDenied', 403);
      for (const [body, code] of [
        ['<LegalHold><Status>on</Status></LegalHold>', 'MalformedXML'],
        ['<LegalHold><Status>abc</Status></LegalHold>', 'MalformedXML'],
        ['<LegalHold></LegalHold>', 'MalformedXML'],
        ['<LegalHold><Status>OFF</Status>', 'MalformedXML'],
        ['', 'MalformedXML'],
        [`<LegalHold><Status>OFF</Status>${' '.repeat(5000)}</LegalHold>`, 'MaxMessageLengthExceeded'],
      ] as const) {
        assert.deepEqual(rawError(await raw('PUT', `/${Bucket}/k`, `legal-hold=&versionId=${v1}`, body)), [400, code], body.slice(0, 60));
      }
      assert.deepEqual(rawError(await raw('PUT', `/${Bucket}/k`, `legal-hold=&versionId=${v1}`, '<LegalHold><Status>OFF</Status></LegalHold>', { md5: false })), [400, 'InvalidRequest']);
      assert.equal(await holdOf(Bucket, 'k', v1), 'ON');
      await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: v1, LegalHold: { Status: 'OFF' } }));
      assert.equal(await holdOf(Bucket, 'k', v1), 'OFF');
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v1 }));
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: v1 })), 'NoSuchVersion', 404);
    });

    it('answers NoSuchKey / NoSuchVersion for missing objects and 405 MethodNotAllowed for delete markers', async () => {
      const Bucket = await lockBucket();
      await expectS3Error(s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'missing' })), 'NoSuchKey', 404);
      await expectS3Error(s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'missing', LegalHold: { Status: 'ON' } })), 'NoSuchKey', 404);
      const id = await put(Bucket, 'k');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }))).VersionId!;
      for (const call of [
        () => s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'k', VersionId: marker })),
        () => s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', VersionId: marker, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: FAR } })),
        () => s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: marker })),
        () => s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: marker, LegalHold: { Status: 'ON' } })),
      ]) await expectS3Error(call(), 'MethodNotAllowed', 405);
      // a delete marker is never locked: it can be removed even when the version under it is
      await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'k', VersionId: id, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(1) } }));
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: marker }));
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body?.transformToString(), 'body of k');
    });
  });
});

describe('Object Lock time is fail-closed (server on a movable clock)', () => {
  let app: App;
  let dataDir: string;
  let offsetMs = 0;
  const clients: S3Client[] = [];
  /** A fresh client per call: the SDK re-aligns its clock to the server's after an error. */
  const send = <T>(command: unknown): Promise<T> => {
    const client = new S3Client({
      endpoint: app.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, systemClockOffset: offsetMs,
      credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
    });
    clients.push(client);
    return client.send(command as never) as Promise<T>;
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-lock-clock-'));
    const config = loadConfig({ dataDir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY });
    app = await startApp(config, { logger: silentLogger, announce: () => undefined, clock: { now: () => new Date(Date.now() + offsetMs) } });
    await send(new CreateBucketCommand({ Bucket: 'clock', ObjectLockEnabledForBucket: true }));
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps an expired version locked while the clock is behind a write time the store has seen, and frees it once time catches up', async () => {
    const until = new Date(Date.now() + 1_500);
    const old = (await send<{ VersionId: string }>(new PutObjectCommand({ Bucket: 'clock', Key: 'k', Body: 'old', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }))).VersionId;
    // the clock jumps 5 minutes ahead and a write is stored at that time (the high-water mark)
    offsetMs = 5 * 60_000;
    await send(new PutObjectCommand({ Bucket: 'clock', Key: 'k', Body: 'new' }));
    // real time passes the retention too (the SQLite triggers judge by SQLite's own clock), then
    // the clock is set back to "now + 10 s": past the retention, but behind the stored write time
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until.getTime() - Date.now() + 100)));
    offsetMs = 10_000;
    await expectS3Error(send(new DeleteObjectCommand({ Bucket: 'clock', Key: 'k', VersionId: old })), 'AccessDenied', 403);
    assert.equal(await (await send<{ Body: { transformToString(): Promise<string> } }>(new GetObjectCommand({ Bucket: 'clock', Key: 'k', VersionId: old }))).Body.transformToString(), 'old');
    // once the clock is past the high-water mark again, the expired retention no longer holds
    offsetMs = 5 * 60_000 + 5_000;
    await send(new DeleteObjectCommand({ Bucket: 'clock', Key: 'k', VersionId: old }));
  });
});
