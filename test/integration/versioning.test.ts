import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketVersioningCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { IMPLEMENTED_OPERATIONS } from '../../src/api/s3/operations/index.js';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, expectStatus, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** The response headers of a failed SDK call (404/405 answers carry versioning headers). */
async function failureHeaders(promise: Promise<unknown>): Promise<{ status: number | undefined; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    return { status: e.$metadata?.httpStatusCode, headers: e.$response?.headers ?? {} };
  }
  throw new Error('expected the request to fail');
}

describe('versioning through AWS SDK v3', () => {
  let server: TestServer;
  let s3: S3Client;
  let n = 0;
  const bucket = async (status?: 'Enabled' | 'Suspended'): Promise<string> => {
    const name = `versioning-${++n}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    if (status) await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: status } }));
    return name;
  };
  const put = async (Bucket: string, Key: string, Body: string) => (await s3.send(new PutObjectCommand({ Bucket, Key, Body }))).VersionId;
  const read = async (Bucket: string, Key: string, VersionId?: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
    return { body: await got.Body!.transformToString(), versionId: got.VersionId };
  };
  const versions = async (Bucket: string) => {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    return {
      versions: (listed.Versions ?? []).map((v) => [v.Key, v.VersionId, v.IsLatest]),
      markers: (listed.DeleteMarkers ?? []).map((m) => [m.Key, m.VersionId, m.IsLatest]),
    };
  };
  /** A signed raw request, for bodies and headers the SDK will not produce. */
  const raw = (method: string, path: string, query: string, body = Buffer.alloc(0), extra: Record<string, string> = {}) => {
    const host = new URL(server.endpoint).host;
    const signed = signRequest({ method, host, path, query, headers: extra, payloadHash: sha256Hex(body), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY });
    return sendRaw(server.endpoint, { method, path: `${path}?${query}`, headers: signed.headers, body });
  };

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
  });
  after(() => server.stop());

  describe('PutBucketVersioning and GetBucketVersioning', () => {
    it('answers an empty configuration for a bucket that was never versioned', async () => {
      const name = await bucket();
      const got = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
      assert.equal(got.Status, undefined);
      assert.equal(got.MFADelete, undefined);
      const res = await raw('GET', `/${name}`, 'versioning=');
      assert.match(res.body.toString(), /<VersioningConfiguration xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><\/VersioningConfiguration>$/);
    });

    it('switches between Enabled and Suspended and never back to unversioned', async () => {
      const name = await bucket();
      for (const status of ['Suspended', 'Enabled', 'Enabled', 'Suspended'] as const) {
        await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: status } }));
        assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, status);
      }
      const res = await raw('PUT', `/${name}`, 'versioning=', Buffer.from('<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>'));
      assert.deepEqual([res.status, errorCode(res.body)], [400, 'MalformedXML']);
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, 'Suspended');
    });

    it('accepts MFADelete Disabled, as SDKs send it, and refuses MFADelete Enabled with NotImplemented', async () => {
      const name = await bucket();
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Disabled' } }));
      await expectS3Error(
        s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Enabled' } })),
        'NotImplemented',
        501,
      );
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, 'Enabled');
    });

    it('refuses malformed, empty, unknown-element and oversized configurations and changes nothing', async () => {
      const name = await bucket();
      const cases: Array<[string, string]> = [
        ['<VersioningConfiguration><Status>Enabled</Status>', 'MalformedXML'],
        ['', 'MalformedXML'],
        ['<VersioningConfiguration/>', 'MalformedXML'],
        ['<Versioning><Status>Enabled</Status></Versioning>', 'MalformedXML'],
        ['<VersioningConfiguration><Status>Enabled</Status><Extra/></VersioningConfiguration>', 'MalformedXML'],
        ['<VersioningConfiguration><Status>Enabled</Status><Status>Suspended</Status></VersioningConfiguration>', 'MalformedXML'],
        ['<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>', 'MalformedXML'],
        ['<!DOCTYPE x [<!ENTITY e "Enabled">]><VersioningConfiguration><Status>&e;</Status></VersioningConfiguration>', 'MalformedXML'],
        [`<VersioningConfiguration><Status>Enabled</Status>${' '.repeat(20_000)}</VersioningConfiguration>`, 'MaxMessageLengthExceeded'],
      ];
      for (const [body, code] of cases) {
        const res = await raw('PUT', `/${name}`, 'versioning=', Buffer.from(body));
        assert.deepEqual([res.status, errorCode(res.body)], [400, code], body.slice(0, 60));
      }
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, undefined);
    });

    it('answers NoSuchBucket for the versioning of a missing bucket', async () => {
      await expectS3Error(s3.send(new GetBucketVersioningCommand({ Bucket: 'no-such-bucket' })), 'NoSuchBucket', 404);
      await expectS3Error(
        s3.send(new PutBucketVersioningCommand({ Bucket: 'no-such-bucket', VersioningConfiguration: { Status: 'Enabled' } })),
        'NoSuchBucket',
        404,
      );
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: 'no-such-bucket' })), 'NoSuchBucket', 404);
    });

    it('refuses unsigned and wrongly signed versioning requests before touching the bucket', async () => {
      const name = await bucket('Enabled');
      for (const [method, query] of [['GET', 'versioning='], ['PUT', 'versioning='], ['GET', 'versions=']] as const) {
        const res = await sendRaw(server.endpoint, {
          method, path: `/${name}?${query}`, headers: {}, body: method === 'PUT' ? Buffer.from('<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>') : undefined,
        });
        assert.deepEqual([res.status, errorCode(res.body)], [403, 'AccessDenied'], `${method} ?${query}`);
      }
      const forged = server.clientFor(ROOT_ACCESS_KEY, 'not-the-secret');
      await expectS3Error(forged.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Suspended' } })), 'SignatureDoesNotMatch', 403);
      await expectS3Error(forged.send(new ListObjectVersionsCommand({ Bucket: name })), 'SignatureDoesNotMatch', 403);
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, 'Enabled');
    });

    it('declares the AWS IAM actions for every versioning operation', () => {
      const route = { bucket: 'b', key: 'k', query: new Map<string, string>(), headers: {} };
      const versioned = { ...route, query: new Map([['versionId', 'x']]) };
      const actions = (name: string, r = route) => IMPLEMENTED_OPERATIONS.find((o) => o.name === name)?.authorize(r).map((c) => [c.action, c.bucket, c.key]);
      assert.deepEqual(actions('PutBucketVersioning'), [['s3:PutBucketVersioning', 'b', undefined]]);
      assert.deepEqual(actions('GetBucketVersioning'), [['s3:GetBucketVersioning', 'b', undefined]]);
      assert.deepEqual(actions('ListObjectVersions'), [['s3:ListBucketVersions', 'b', undefined]]);
      assert.deepEqual(actions('GetObject', versioned), [['s3:GetObjectVersion', 'b', 'k']]);
      assert.deepEqual(actions('HeadObject', versioned), [['s3:GetObjectVersion', 'b', 'k']]);
      assert.deepEqual(actions('DeleteObject', versioned), [['s3:DeleteObjectVersion', 'b', 'k']]);
      assert.deepEqual(actions('DeleteObject'), [['s3:DeleteObject', 'b', 'k']]);
    });
  });

  describe('writes and reads', () => {
    it('gives every PUT in an Enabled bucket its own version and reads each one back', async () => {
      const name = await bucket('Enabled');
      const ids = [await put(name, 'k', 'one'), await put(name, 'k', 'two'), await put(name, 'k', 'three')];
      assert.equal(new Set(ids).size, 3);
      for (const id of ids) assert.match(id ?? '', /^[A-Za-z0-9_-]{32}$/);
      assert.deepEqual(await read(name, 'k'), { body: 'three', versionId: ids[2] });
      assert.deepEqual(await read(name, 'k', ids[0]), { body: 'one', versionId: ids[0] });
      const head = await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k', VersionId: ids[1] }));
      assert.deepEqual([head.VersionId, head.ContentLength], [ids[1], 3]);
      assert.deepEqual((await versions(name)).versions, [['k', ids[2], true], ['k', ids[1], false], ['k', ids[0], false]]);
    });

    it('sends no version id for a never-versioned bucket, and still reads versionId=null', async () => {
      const name = await bucket();
      assert.equal(await put(name, 'k', 'plain'), undefined);
      assert.deepEqual(await read(name, 'k'), { body: 'plain', versionId: undefined });
      assert.equal((await read(name, 'k', 'null')).body, 'plain');
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k' }))).VersionId, undefined);
    });

    it('keeps an object written before versioning as the null version and names it null once versioned', async () => {
      const name = await bucket();
      await put(name, 'k', 'before');
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
      assert.deepEqual(await read(name, 'k'), { body: 'before', versionId: 'null' });
      const id = await put(name, 'k', 'after');
      assert.deepEqual(await read(name, 'k', 'null'), { body: 'before', versionId: 'null' });
      assert.deepEqual((await versions(name)).versions, [['k', id, true], ['k', 'null', false]]);
    });

    it('replaces only the null version on PUT in a Suspended bucket and keeps earlier real versions', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'versioned');
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Suspended' } }));
      assert.equal(await put(name, 'k', 'null one'), undefined);
      assert.equal(await put(name, 'k', 'null two'), undefined);
      assert.deepEqual(await read(name, 'k'), { body: 'null two', versionId: 'null' });
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k' }))).VersionId, 'null');
      assert.deepEqual((await versions(name)).versions, [['k', 'null', true], ['k', v1, false]]);
      assert.equal((await read(name, 'k', v1)).body, 'versioned');
    });

    it('stores 20 concurrent overwrites of one key as 20 distinct versions', async () => {
      const name = await bucket('Enabled');
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => put(name, 'hot', `body ${i}`)));
      assert.equal(new Set(ids).size, 20);
      const listed = (await versions(name)).versions;
      assert.equal(listed.length, 20);
      assert.deepEqual(new Set(listed.map((v) => v[1])), new Set(ids));
      assert.equal(listed.filter((v) => v[2]).length, 1);
      const latest = await read(name, 'hot');
      assert.equal(latest.versionId, listed[0]?.[1]);
      for (const [i, id] of ids.entries()) assert.equal((await read(name, 'hot', id)).body, `body ${i}`);
    });

    it('refuses a malformed or empty version id with InvalidArgument on GET, HEAD and DELETE', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'x');
      for (const bad of ['nope', 'a'.repeat(33), 'NULL', '../../etc']) {
        await expectS3Error(s3.send(new GetObjectCommand({ Bucket: name, Key: 'k', VersionId: bad })), 'InvalidArgument', 400);
        await expectStatus(s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k', VersionId: bad })), 400);
        await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: bad })), 'InvalidArgument', 400);
      }
      const res = await raw('GET', `/${name}/k`, 'versionId=');
      assert.deepEqual([res.status, errorCode(res.body)], [400, 'InvalidArgument']);
      assert.match(res.body.toString(), /<ArgumentName>versionId<\/ArgumentName>/);
      assert.equal((await versions(name)).versions.length, 1);
    });

    it('answers NoSuchVersion for a well-formed version id that does not exist', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'x');
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: name, Key: 'k', VersionId: 'A'.repeat(32) })), 'NoSuchVersion', 404);
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: name, Key: 'k', VersionId: 'null' })), 'NoSuchVersion', 404);
    });
  });

  describe('deletes and delete markers', () => {
    it('adds a delete marker in an Enabled bucket; reads then answer 404 with the marker headers', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'x');
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      assert.equal(del.DeleteMarker, true);
      assert.match(del.VersionId ?? '', /^[A-Za-z0-9_-]{32}$/);
      assert.notEqual(del.VersionId, v1);
      for (const command of [new GetObjectCommand({ Bucket: name, Key: 'k' }), new HeadObjectCommand({ Bucket: name, Key: 'k' })]) {
        const failure = await failureHeaders(s3.send(command as GetObjectCommand));
        assert.equal(failure.status, 404);
        assert.equal(failure.headers['x-amz-delete-marker'], 'true');
        assert.equal(failure.headers['x-amz-version-id'], del.VersionId);
      }
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: name, Key: 'k' })), 'NoSuchKey', 404);
      assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: name }))).KeyCount, 0);
      assert.deepEqual(await versions(name), { versions: [['k', v1, false]], markers: [['k', del.VersionId, true]] });
      assert.equal((await read(name, 'k', v1)).body, 'x');
    });

    it('answers 405 with Allow: DELETE when a delete marker is read by its version id', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'x');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }))).VersionId;
      for (const method of ['GET', 'HEAD']) {
        const res = await raw(method, `/${name}/k`, `versionId=${marker}`);
        assert.equal(res.status, 405, method);
        assert.equal(res.headers['x-amz-delete-marker'], 'true');
        assert.equal(res.headers['x-amz-version-id'], marker);
        assert.equal(res.headers.allow, 'DELETE');
        assert.ok(res.headers['last-modified']);
        if (method === 'GET') assert.match(res.body.toString(), /<Code>MethodNotAllowed<\/Code>.*<ResourceType>DeleteMarker<\/ResourceType>/);
      }
    });

    it('stacks a new delete marker on every delete without a version id', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'x');
      const markers = [];
      for (let i = 0; i < 3; i++) markers.push((await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }))).VersionId);
      assert.equal(new Set(markers).size, 3);
      assert.deepEqual((await versions(name)).markers.map((m) => m[1]), markers.reverse());
    });

    it('creates a delete marker even for a key that never existed', async () => {
      const name = await bucket('Enabled');
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'ghost' }));
      assert.equal(del.DeleteMarker, true);
      assert.deepEqual((await versions(name)).markers, [['ghost', del.VersionId, true]]);
    });

    it('replaces the null version with a null delete marker in a Suspended bucket and keeps real versions', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'kept');
      await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Suspended' } }));
      await put(name, 'k', 'null version');
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      assert.deepEqual([del.DeleteMarker, del.VersionId], [true, 'null']);
      assert.deepEqual(await versions(name), { versions: [['k', v1, false]], markers: [['k', 'null', true]] });
      const again = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      assert.deepEqual([again.DeleteMarker, again.VersionId], [true, 'null']);
      assert.deepEqual((await versions(name)).markers, [['k', 'null', true]], 'null markers do not stack');
      const failure = await failureHeaders(s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k' })));
      assert.deepEqual([failure.status, failure.headers['x-amz-delete-marker'], failure.headers['x-amz-version-id']], [404, 'true', 'null']);
    });

    it('removes the null version without a marker in a never-versioned bucket', async () => {
      const name = await bucket();
      await put(name, 'k', 'x');
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      assert.deepEqual([del.DeleteMarker, del.VersionId, del.$metadata.httpStatusCode], [undefined, undefined, 204]);
      assert.deepEqual(await versions(name), { versions: [], markers: [] });
      const failure = await failureHeaders(s3.send(new HeadObjectCommand({ Bucket: name, Key: 'k' })));
      assert.deepEqual([failure.status, failure.headers['x-amz-delete-marker']], [404, undefined]);
    });

    it('removes exactly the named version for good and promotes the next newest', async () => {
      const name = await bucket('Enabled');
      const [v1, v2, v3] = [await put(name, 'k', 'one'), await put(name, 'k', 'two'), await put(name, 'k', 'three')];
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: v3 }));
      assert.deepEqual([del.VersionId, del.DeleteMarker, del.$metadata.httpStatusCode], [v3, undefined, 204]);
      assert.deepEqual(await read(name, 'k'), { body: 'two', versionId: v2 });
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: v1 }));
      assert.deepEqual((await versions(name)).versions, [['k', v2, true]]);
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: name, Key: 'k', VersionId: v1 })), 'NoSuchVersion', 404);
    });

    it('restores the object when its delete marker is deleted by version id', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'back');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }))).VersionId;
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: marker }));
      assert.deepEqual([del.DeleteMarker, del.VersionId], [true, marker]);
      assert.deepEqual(await read(name, 'k'), { body: 'back', versionId: v1 });
    });

    it('answers 204 with the version id when the named version does not exist', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'x');
      const missing = 'B'.repeat(32);
      const del = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: missing }));
      assert.deepEqual([del.$metadata.httpStatusCode, del.VersionId, del.DeleteMarker], [204, missing, undefined]);
      const none = await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'nothing', VersionId: 'null' }));
      assert.deepEqual([none.$metadata.httpStatusCode, none.VersionId], [204, 'null']);
      assert.deepEqual((await versions(name)).versions, [['k', v1, true]]);
    });

    it('refuses to delete a bucket that still holds only versions and delete markers', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'x');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }))).VersionId;
      await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket: name })), 'BucketNotEmpty', 409);
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: v1 }));
      await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket: name })), 'BucketNotEmpty', 409);
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k', VersionId: marker }));
      await s3.send(new DeleteBucketCommand({ Bucket: name }));
    });
  });

  describe('DeleteObjects with version ids', () => {
    it('reports created markers, removed versions and removed markers as S3 does', async () => {
      const name = await bucket('Enabled');
      const [a1, a2] = [await put(name, 'a', '1'), await put(name, 'a', '2')];
      await put(name, 'b', 'x');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'c' }))).VersionId;
      const res = await s3.send(new DeleteObjectsCommand({
        Bucket: name,
        Delete: { Objects: [{ Key: 'a', VersionId: a1 }, { Key: 'b' }, { Key: 'c', VersionId: marker }, { Key: 'a', VersionId: 'C'.repeat(32) }] },
      }));
      assert.equal(res.Errors, undefined);
      const byKey = (res.Deleted ?? []).map((d) => [d.Key, d.VersionId, d.DeleteMarker, d.DeleteMarkerVersionId]);
      const created = byKey[1]?.[3];
      assert.deepEqual(byKey, [
        ['a', a1, undefined, undefined],
        ['b', undefined, true, created],
        ['c', marker, true, marker],
        ['a', 'C'.repeat(32), undefined, undefined],
      ]);
      assert.match(String(created), /^[A-Za-z0-9_-]{32}$/);
      assert.deepEqual(await versions(name), {
        versions: [['a', a2, true], ['b', (await versions(name)).versions[1]?.[1], false]],
        markers: [['b', created, true]],
      });
    });

    it('answers NoSuchVersion for an entry with a malformed version id and still deletes the others', async () => {
      const name = await bucket('Enabled');
      const v1 = await put(name, 'k', 'x');
      const res = await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: [{ Key: 'k', VersionId: 'bogus' }, { Key: 'k', VersionId: v1 }] } }));
      assert.deepEqual((res.Errors ?? []).map((e) => [e.Key, e.VersionId, e.Code]), [['k', 'bogus', 'NoSuchVersion']]);
      assert.deepEqual((res.Deleted ?? []).map((d) => [d.Key, d.VersionId]), [['k', v1]]);
      assert.deepEqual(await versions(name), { versions: [], markers: [] });
    });

    it('deletes the same versions twice without errors, as S3 does', async () => {
      const name = await bucket('Enabled');
      const ids = [await put(name, 'k', '1'), await put(name, 'k', '2')];
      const objects = ids.map((VersionId) => ({ Key: 'k', VersionId }));
      for (let i = 0; i < 2; i++) {
        const res = await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: objects } }));
        assert.deepEqual([res.Deleted?.length, res.Errors], [2, undefined]);
      }
      assert.deepEqual(await versions(name), { versions: [], markers: [] });
    });
  });

  describe('ListObjectVersions', () => {
    it('pages one entry at a time through versions and markers with the next markers', async () => {
      const name = await bucket('Enabled');
      const a = [await put(name, 'a', '1'), await put(name, 'a', '2')];
      const dm = (await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'a' }))).VersionId;
      const b = await put(name, 'b', '1');
      const seen: string[] = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await s3.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: 1, KeyMarker, VersionIdMarker }));
        assert.equal(res.MaxKeys, 1);
        for (const v of [...(res.Versions ?? []), ...(res.DeleteMarkers ?? [])]) seen.push(`${v.Key}@${v.VersionId}`);
        if (!res.IsTruncated) break;
        KeyMarker = res.NextKeyMarker;
        VersionIdMarker = res.NextVersionIdMarker;
        assert.equal(seen.at(-1), `${KeyMarker}@${VersionIdMarker}`);
      }
      assert.deepEqual(seen, [`a@${dm}`, `a@${a[1]}`, `a@${a[0]}`, `b@${b}`]);
    });

    it('returns every field of versions and delete markers', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'hello');
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      const res = await s3.send(new ListObjectVersionsCommand({ Bucket: name }));
      const [v] = res.Versions ?? [];
      assert.deepEqual([v?.Key, v?.IsLatest, v?.ETag, v?.Size, v?.StorageClass], ['k', false, '"5d41402abc4b2a76b9719d911017c592"', 5, 'STANDARD']);
      assert.ok(v?.LastModified instanceof Date);
      assert.ok(v?.Owner?.ID);
      const [m] = res.DeleteMarkers ?? [];
      assert.deepEqual([m?.Key, m?.IsLatest], ['k', true]);
      assert.ok(m?.LastModified instanceof Date && m.Owner?.ID);
      assert.deepEqual([res.Name, res.Prefix, res.KeyMarker, res.IsTruncated, res.MaxKeys], [name, '', '', false, 1000]);
    });

    it('rolls keys up into common prefixes and resumes after a prefix used as key marker', async () => {
      const name = await bucket('Enabled');
      for (const key of ['dir/a', 'dir/a', 'dir/b', 'top', 'zz/1']) await put(name, key, 'x');
      const res = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Delimiter: '/' }));
      assert.deepEqual(res.CommonPrefixes?.map((p) => p.Prefix), ['dir/', 'zz/']);
      assert.deepEqual(res.Versions?.map((v) => v.Key), ['top']);
      assert.equal(res.Delimiter, '/');
      const first = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Delimiter: '/', MaxKeys: 1 }));
      assert.deepEqual([first.CommonPrefixes?.map((p) => p.Prefix), first.NextKeyMarker, first.NextVersionIdMarker], [['dir/'], 'dir/', undefined]);
      const next = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Delimiter: '/', KeyMarker: 'dir/' }));
      assert.deepEqual([next.Versions?.map((v) => v.Key), next.CommonPrefixes?.map((p) => p.Prefix)], [['top'], ['zz/']]);
      const scoped = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Prefix: 'dir/' }));
      assert.deepEqual(scoped.Versions?.map((v) => v.Key), ['dir/a', 'dir/a', 'dir/b']);
    });

    it('url-encodes keys, markers and prefixes with encoding-type=url', async () => {
      const name = await bucket('Enabled');
      await put(name, 'a b/ü+', 'x');
      const res = await raw('GET', `/${name}`, 'delimiter=%2B&encoding-type=url&key-marker=%20&versions=');
      const xml = res.body.toString();
      assert.equal(res.status, 200);
      assert.match(xml, /<KeyMarker>%20<\/KeyMarker>/);
      assert.match(xml, /<Delimiter>%2B<\/Delimiter>/);
      assert.match(xml, /<CommonPrefixes><Prefix>a%20b\/%C3%BC%2B<\/Prefix><\/CommonPrefixes>/);
      assert.match(xml, /<EncodingType>url<\/EncodingType>/);
    });

    it('refuses a version-id marker without a key marker, and a malformed version-id marker', async () => {
      const name = await bucket('Enabled');
      const id = await put(name, 'k', 'x');
      const alone = await raw('GET', `/${name}`, `version-id-marker=${id}&versions=`);
      assert.deepEqual([alone.status, errorCode(alone.body)], [400, 'InvalidArgument']);
      assert.match(alone.body.toString(), /A version-id marker cannot be specified without a key marker\./);
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: name, KeyMarker: 'k', VersionIdMarker: 'bogus' })), 'InvalidArgument', 400);
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: -1 })), 'InvalidArgument', 400);
    });

    it('lists nothing and reports no truncation for max-keys=0', async () => {
      const name = await bucket('Enabled');
      await put(name, 'k', 'x');
      const res = await s3.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: 0 }));
      assert.deepEqual([res.Versions, res.IsTruncated, res.MaxKeys], [undefined, false, 0]);
    });
  });
});
