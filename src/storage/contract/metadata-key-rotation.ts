/**
 * Contract cases for key rotation's storage side: the scan of encrypted versions in a stable
 * (bucket, key, version id) order from a resume point, the compare-and-swap of one version's
 * KMS-wrapped key material (success, stale value, version gone or replaced), and job records.
 */
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { ObjectEncryption, ObjectVersionRecord, SealedKeyMaterial, VersionCursor } from '../ports.js';
import { bucketRecord, byUtf8, deleteMarker, objectRecord } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

function encryption(tag: string, overrides: Partial<ObjectEncryption> = {}): ObjectEncryption {
  return {
    mode: 'SSE-KMS',
    keyId: 'key-a',
    sealedDataKey: `data-key-${tag}`,
    context: 'eyJ0ZW5hbnQiOiJhIn0=',
    sealedObjectKey: { iv: `iv-${tag}`, sealed: `sealed-${tag}`, algorithm: 'coffer-v1-hmac-sha256-aes-gcm' },
    multipart: true,
    partNumbers: [1, 2],
    plainSize: 3,
    sealedEtag: `etag-${tag}`,
    ...overrides,
  };
}

const material = (e: ObjectEncryption): SealedKeyMaterial => ({ keyId: e.keyId as string, sealedDataKey: e.sealedDataKey as string, sealedObjectKey: e.sealedObjectKey });
const NEXT: SealedKeyMaterial = { keyId: 'key-b', sealedDataKey: 'data-key-new', sealedObjectKey: { iv: 'iv-new', sealed: 'sealed-new', algorithm: 'coffer-v1-hmac-sha256-aes-gcm' } };
const ids = (versions: ReadonlyArray<Pick<ObjectVersionRecord, 'bucket' | 'key' | 'versionId'>>): string[] => versions.map((v) => `${v.bucket}/${v.key}@${v.versionId}`);

export function keyRotationCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => {
    for (const name of ['rot-a', 'rot-b']) await current().store.createBucket(bucketRecord(name, { versioning: 'Enabled' }));
  });

  const put = async (bucket: string, key: string, versionId: string, enc: ObjectEncryption | undefined): Promise<ObjectVersionRecord> => {
    const record = objectRecord(bucket, key, { versionId, ...(enc ? { encryption: enc } : {}) });
    await current().store.putObjectVersion(record);
    return record;
  };

  it('scans encrypted versions in bucket, key, version id order, page by page, from any resume point', async () => {
    const { store } = current();
    const expected: string[] = [];
    for (const [bucket, key, versionId, encrypted] of [
      ['rot-b', 'z', 'v1', true], ['rot-a', 'é', 'v2', true], ['rot-a', 'b', 'v9', true], ['rot-a', 'b', 'v1', true],
      ['rot-a', 'plain', 'v1', false], ['rot-a', 'ｚ', 'v1', true], ['rot-a', '😀', 'v1', true],
    ] as const) {
      await put(bucket, key, versionId, encrypted ? encryption(`${bucket}${key}${versionId}`) : undefined);
      if (encrypted) expected.push(`${bucket}/${key}@${versionId}`);
    }
    await store.putObjectVersion(deleteMarker('rot-a', 'b', 'v5'));
    expected.sort((x, y) => byUtf8(x.replace('@', '\u0000'), y.replace('@', '\u0000')));
    const seen: string[] = [];
    let after: VersionCursor | undefined;
    let pages = 0;
    do {
      const page = await store.listEncryptedVersions({ after, limit: 2 });
      assert.ok(page.versions.every((v) => v.encryption !== undefined && !v.isDeleteMarker));
      seen.push(...ids(page.versions));
      after = page.next;
      pages += 1;
    } while (after && pages < 20);
    assert.deepEqual(seen, expected);
    assert.equal(seen[0], 'rot-a/b@v1');
    // A resume point that no longer exists still resumes right after its place in the order.
    const resumed = await store.listEncryptedVersions({ after: { bucket: 'rot-a', key: 'b', versionId: 'v3-deleted' }, limit: 100 });
    assert.deepEqual(ids(resumed.versions), expected.slice(1));
    assert.equal(resumed.next, undefined);
  });

  it('scans one bucket and one prefix only when asked', async () => {
    const { store } = current();
    for (const key of ['docs/a', 'docs/b', 'docs0', 'img/a']) await put('rot-a', key, 'v1', encryption(key));
    await put('rot-b', 'docs/a', 'v1', encryption('other bucket'));
    assert.deepEqual(ids((await store.listEncryptedVersions({ bucket: 'rot-a', prefix: 'docs/', limit: 100 })).versions), ['rot-a/docs/a@v1', 'rot-a/docs/b@v1']);
    assert.deepEqual(ids((await store.listEncryptedVersions({ bucket: 'rot-b', limit: 100 })).versions), ['rot-b/docs/a@v1']);
    assert.deepEqual(ids((await store.listEncryptedVersions({ prefix: 'docs/', limit: 100 })).versions), ['rot-a/docs/a@v1', 'rot-a/docs/b@v1', 'rot-b/docs/a@v1']);
  });

  it('replaces exactly the key id, sealed data key and sealed object key when the old value still holds', async () => {
    const { store } = current();
    const enc = encryption('old');
    const record = await put('rot-a', 'k', 'v1', enc);
    assert.equal(await store.replaceSealedKey('rot-a', 'k', 'v1', material(enc), NEXT), 'replaced');
    const expected = { ...record, encryption: { ...enc, ...NEXT } };
    assert.deepEqual(await store.getObjectVersion('rot-a', 'k', 'v1'), expected);
    assert.deepEqual(await (await current().reopen()).getObjectVersion('rot-a', 'k', 'v1'), expected);
  });

  it('changes nothing when the stored key material is not the expected one (a second swap, or another seal)', async () => {
    const { store } = current();
    const enc = encryption('old');
    await put('rot-a', 'k', 'v1', enc);
    assert.equal(await store.replaceSealedKey('rot-a', 'k', 'v1', material(enc), NEXT), 'replaced');
    const other = { ...NEXT, sealedDataKey: 'data-key-other' };
    assert.equal(await store.replaceSealedKey('rot-a', 'k', 'v1', material(enc), other), 'changed', 'the old value is stale now');
    for (const stale of [{ ...NEXT, keyId: 'key-c' }, { ...NEXT, sealedDataKey: 'x' }, { ...NEXT, sealedObjectKey: { ...NEXT.sealedObjectKey, iv: 'x' } }, { ...NEXT, sealedObjectKey: { ...NEXT.sealedObjectKey, sealed: 'x' } }]) {
      assert.equal(await store.replaceSealedKey('rot-a', 'k', 'v1', stale, other), 'changed');
    }
    assert.deepEqual((await store.getObjectVersion('rot-a', 'k', 'v1'))?.encryption, { ...enc, ...NEXT });
  });

  it('leaves a null version that was overwritten meanwhile alone (same id, new seal)', async () => {
    const { store } = current();
    await store.createBucket(bucketRecord('rot-plain'));
    const old = encryption('first');
    await put('rot-plain', 'k', 'null', old);
    const { context: _none, ...sseS3 } = encryption('second', { mode: 'SSE-S3' });
    const replacement = await put('rot-plain', 'k', 'null', sseS3);
    assert.equal(await store.replaceSealedKey('rot-plain', 'k', 'null', material(old), NEXT), 'changed');
    assert.deepEqual(await store.getObjectVersion('rot-plain', 'k', 'null'), replacement);
  });

  it('reports a deleted version (or one that never was) as gone, and refuses SSE-C and plaintext versions', async () => {
    const { store } = current();
    const enc = encryption('old');
    await put('rot-a', 'k', 'v1', enc);
    await store.deleteObjectVersion('rot-a', 'k', 'v1');
    assert.equal(await store.replaceSealedKey('rot-a', 'k', 'v1', material(enc), NEXT), 'gone');
    assert.equal(await store.replaceSealedKey('rot-a', 'nope', 'v1', material(enc), NEXT), 'gone');
    const customer = encryption('c', { mode: 'SSE-C', keyId: 'key-a', keyMd5: 'bWQ1' });
    await put('rot-a', 'c', 'v1', customer);
    assert.equal(await store.replaceSealedKey('rot-a', 'c', 'v1', material(customer), NEXT), 'changed');
    assert.deepEqual((await store.getObjectVersion('rot-a', 'c', 'v1'))?.encryption, customer);
    await put('rot-a', 'p', 'v1', undefined);
    assert.equal(await store.replaceSealedKey('rot-a', 'p', 'v1', material(enc), NEXT), 'changed');
    assert.equal((await store.getObjectVersion('rot-a', 'p', 'v1'))?.encryption, undefined);
  });

  it('keeps job state records with compare-and-set, across a reopen', async () => {
    const { store } = current();
    assert.equal(await store.jobs.get('kms-rotate'), undefined);
    assert.equal(await store.jobs.put('kms-rotate', '{"n":1}', '{"n":0}'), false, 'no record to compare with');
    assert.equal(await store.jobs.put('kms-rotate', '{"n":1}', null), true);
    assert.equal(await store.jobs.put('kms-rotate', '{"n":2}', null), false, 'exists now');
    assert.equal(await store.jobs.put('kms-rotate', '{"n":2}', '{"n":0}'), false, 'stale');
    assert.equal(await store.jobs.put('kms-rotate', '{"n":2}', '{"n":1}'), true);
    const racing = await Promise.all(Array.from({ length: 5 }, (_, i) => store.jobs.put('kms-rotate', `{"n":${3 + i}}`, '{"n":2}')));
    assert.equal(racing.filter(Boolean).length, 1, 'exactly one racing writer wins');
    const reopened = await current().reopen();
    assert.match((await reopened.jobs.get('kms-rotate')) ?? '', /^\{"n":[3-7]\}$/);
    assert.equal(await reopened.jobs.get('other'), undefined);
  });
}
